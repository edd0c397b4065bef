"""Settings for running the mock Dukcapil registry as its own service.

Self-contained on purpose (no import of the portal's settings): the registry stands in for an
external system, so it has its own database and its own keys. In the embedded default the
portal serves the same views in-process under /registry/api/v1/ instead.

    make registry        # migrate its database, then gunicorn on HOST:REGISTRY_PORT

Environment (names start with REGISTRY_ so that one shell can hold the portal's and the
registry's settings side by side, as the README's production section does):
REGISTRY_DATABASE_URL (default SQLite in ./var/registry.sqlite3), REGISTRY_SECRET_KEY
(required with DJANGO_DEBUG=0), REGISTRY_ALLOWED_HOSTS (default 127.0.0.1,localhost),
REGISTRY_API_KEYS (comma-separated; default the portal's DUKCAPIL_API_KEY: give two during a
key rotation), REGISTRY_LATENCY_MS, REGISTRY_ERROR_RATE, REGISTRY_BATCH_LIMIT,
REGISTRY_CONTROL_KEY (demos and tests only: enables the seeding/control endpoint),
DJANGO_DEBUG, LOG_LEVEL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from dukcapil_sync.registry.installation import installation_secret

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("JKN_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("DJANGO_DEBUG", "0").strip().lower() in {"1", "true", "yes", "on"}
SECRET_KEY = os.environ.get("REGISTRY_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("REGISTRY_SECRET_KEY must be set when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-registry-key"  # noqa: S105
ALLOWED_HOSTS = [
    h for h in os.environ.get("REGISTRY_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

# No admin, sessions or auth: the API authenticates callers by key only.
INSTALLED_APPS = ["django.contrib.contenttypes", "dukcapil_sync.registry"]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "dukcapil_sync.registry.standalone_urls"
WSGI_APPLICATION = "dukcapil_sync.registry.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("REGISTRY_DATABASE_URL", f"sqlite:///{VAR_DIR / 'registry.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Must match the portal's value, or the two settings modules would disagree on migrations.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "id"
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

REGISTRY_API_KEYS = [
    k
    # Unset: DUKCAPIL_API_KEY (one shell for portal and registry), else the installation's
    # random key (var/registry-api-key), which a portal on the same machine uses too.
    for k in (
        os.environ.get("REGISTRY_API_KEYS")
        or os.environ.get("DUKCAPIL_API_KEY")
        or installation_secret(VAR_DIR, "registry-api-key")
    ).split(",")
    if k
]
REGISTRY_LATENCY_MS = int(os.environ.get("REGISTRY_LATENCY_MS", "0"))
REGISTRY_ERROR_RATE = float(os.environ.get("REGISTRY_ERROR_RATE", "0"))
REGISTRY_BATCH_LIMIT = int(os.environ.get("REGISTRY_BATCH_LIMIT", "500"))
# Demos and tests only: enables POST /registry/api/v1/_control (seed, events, faults).
REGISTRY_CONTROL_KEY = os.environ.get("REGISTRY_CONTROL_KEY", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
