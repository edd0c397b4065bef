"""One settings module, configured only by environment variables (cookiecutter-django style).

Debug is opt-in: `make run` (the embedded default) sets DJANGO_DEBUG=1 and gets SQLite in
./var/, Celery tasks in-process and the mock Dukcapil registry served by the same process.
Without it (production): SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, REDIS_URL, DUKCAPIL_URL,
DUKCAPIL_API_KEY, ALLOWED_HOSTS.
"""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dukcapil_sync.registry.installation import installation_secret

from .env import env_bool, env_float, env_int, env_list, env_pairs, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JKN_VAR_DIR", str(BASE_DIR / "var")))

# Opt-in: a server started without the variable never shows debug pages.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_DEBUG=0 (the default). For development, set "
            "DJANGO_DEBUG=1 as `make run` and `make test` do."
        )
    # Development only: never used with DEBUG off (checked above).
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

# Rotation (docs/operations.md): the new key in SECRET_KEY, the old ones here until sessions
# and signed links made with them have expired.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "core",
    "participants",
    "families",
    "payments",
    "complaints",
    "cards",
    "dukcapil_sync",
    "dukcapil_sync.registry",
    "imports",
    "captcha",
    "messaging",
    "accounts",
    "vclaim",
    "changes",
    # Above the apps whose rows it turns into notifications (and above messaging).
    "notifications",
    "registrations",
    # Demo and benchmark data, above every app: it imports them all, none imports it.
    "demo",
]

MIDDLEWARE = [
    # First: the request id is on every later log line, and the access line is written last.
    "core.observability.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the session middleware, so that a session saved on the way out also pins.
    "core.replica.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dukcapil_sync.middleware.ServerAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "jkn_portal.urls"
WSGI_APPLICATION = "jkn_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.pin_prompt",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jkn.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Concurrent writers on one file (a threaded server with in-process jobs): WAL lets
    # readers go on while one writes; IMMEDIATE takes the write lock when a transaction starts,
    # so two transactions never both read and then fail to upgrade ("database is locked"
    # without waiting); the busy timeout makes a writer wait for the lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL streaming replica (pg_basebackup -R) for the reads that tolerate a second of
# lag: staff lists in the admin (core.replica). Writes and participants' reads stay on the
# primary; so does a browser for REPLICA_PIN_SECONDS after it wrote.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    # Tests: the same test database, read through the replica's server.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_READS = env_bool("REPLICA_READS", bool(DATABASE_REPLICA_URL))
REPLICA_PIN_COOKIE = "jkn_primary"
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("FAST_PASSWORD_HASHER", False):
    # Tests and the 100000-family benchmark seed only: hashing with Argon2 is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator"},
    {"NAME": "accounts.validators.IdentityNumberValidator"},
]
AUTHENTICATION_BACKENDS = [
    "core.auth.AddressLockoutBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Participants may log in with their 13-digit JKN card number as well as their NIK.
    "accounts.backends.CardNumberBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "families:family"
LOGOUT_REDIRECT_URL = "login"

# Proxies in front of the server that append to X-Forwarded-For (0: none, use REMOTE_ADDR).
# Only their entries are believed; the rest of the header is whatever the client wrote.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Login limits, counted independently (core/auth.py): django-axes per account, and per client
# address a much higher limit, since a whole mobile network (CGNAT) shares one address.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username"]
# A success resets the count of the account that succeeded, nothing else.
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.auth.client_address"
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100, minimum=1)
# axes warns that its lockout lacks ip_address: the per-address limit is ours
# (core.auth.AddressLockoutBackend), counted separately with a higher limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
# A NIK and the card number of one account count as one account.
AXES_USERNAME_CALLABLE = "accounts.backends.lockout_username"
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (checked by `manage.py check --deploy` with DJANGO_DEBUG=0) -------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy on every page (django-csp): scripts only from our own files, no
# inline script anywhere (the API docs use drf-spectacular's split view for that reason).
# Inline styles stay allowed for the admin's and Swagger UI's own templates.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS (docs/operations.md, "TLS"): browsers keep to HTTPS for this many seconds once they
    # saw the header. One year and subdomains by default; preload (a request to be listed in
    # browsers themselves, hard to undo) only when the operator asks for it.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preload left off on purpose (above); axes.W006 stays silenced too.
        SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
    # Load balancers probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz", r"^metrics$"]

# --- Cache (Redis when REDIS_URL is set) ------------------------------------------------------
# Rate limits and answers computed from facts that are keyed by those facts' tokens (core/facts.py;
# a stale one is never found again); core/cache.py fails soft when Redis does not answer, and
# the short socket timeouts keep a hung Redis from hanging requests.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# How long a family's computed answer is kept (its key changes with any fact it depends on).
FAMILY_READ_CACHE_SECONDS = env_int("FAMILY_READ_CACHE_SECONDS", 600, minimum=0)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.auth.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Throttles identify clients like the login limits (core.auth.client_address).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("TOKEN_THROTTLE_RATE", "30/min"),
        # Payment notifications per channel and client address: a bank's peak, and anyone
        # sending a channel code we do not know.
        "notification": env_str("NOTIFICATION_THROTTLE_RATE", "1200/min"),
        "notification_unknown": env_str("NOTIFICATION_UNKNOWN_THROTTLE_RATE", "20/min"),
        # Registration steps per address: the KK step asks Dukcapil, so bots are slowed here.
        "registration": env_str("REGISTRATION_THROTTLE_RATE", "60/min"),
    },
}
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_TTL": timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 12, minimum=1)),
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "JKN Portal API",
    "DESCRIPTION": (
        "Participant status, family cards and eligibility for JKN (BPJS Kesehatan model). "
        "Authenticate with POST /api/v1/auth/token/ and send `Authorization: Bearer <token>`. "
        'Every error has the shape {"code", "message", "fields"}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: the docs work without reaching a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" field with their own choices: name each enum.
    "ENUM_NAME_OVERRIDES": {"ComplaintStatusEnum": "complaints.models.ComplaintStatus"},
}

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Without a broker (the embedded default) tasks run in-process. Tests never rely on this:
# they call task functions directly or run a real worker.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
# Without a broker there is no beat process either: the web process runs the beat schedule
# in a thread (jkn_portal/embedded_beat.py), so the sweep and month end run there too.
EMBEDDED_BEAT = env_bool("EMBEDDED_BEAT", CELERY_TASK_ALWAYS_EAGER)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Tests run their worker on a queue of their own, so a stray worker never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# The one beat schedule (times are Asia/Jakarta). Month end: bills of the new month on the
# 1st at 00:05, then the month that ended unpaid switches off at 00:15, then the nightly
# recompute at 00:30 and the Dukcapil sync at 01:30 (it resumes a run an outage stopped).
CELERY_BEAT_SCHEDULE = {
    "monthly-billing": {
        "task": "payments.tasks.generate_monthly_bills",
        "schedule": crontab(day_of_month="1", hour=0, minute=5),
    },
    "month-end-status": {
        "task": "payments.tasks.month_end",
        "schedule": crontab(day_of_month="1", hour=0, minute=15),
    },
    "nightly-status-recompute": {
        "task": "participants.tasks.recompute_all_statuses",
        "schedule": crontab(hour=0, minute=30),
    },
    "nightly-dukcapil-sync": {
        "task": "dukcapil_sync.tasks.sync_full",
        "schedule": crontab(hour=1, minute=30),
    },
    # Resumes a full sync whose worker died, one lease after it went silent.
    "dukcapil-sync-watchdog": {"task": "dukcapil_sync.tasks.sync_watchdog", "schedule": 60.0},
    # Scheduled data changes (FKTP, class) take effect on the 1st, before the bills of 00:05
    # are made, so the new month's bill uses the new class. Daily, so a missed run catches up.
    "data-changes-apply": {
        "task": "changes.tasks.apply_scheduled_changes",
        "schedule": crontab(hour=0, minute=1),
    },
    # Catches reactivations whose event task was lost (broker down, worker killed).
    "reactivation-sweep": {
        "task": "payments.tasks.sweep_reactivations",
        "schedule": env_float("REACTIVATION_SWEEP_SECONDS", 60, minimum=1),
    },
    # Complaints in PENANGANAN whose 5 days without a participant reply have passed.
    "complaints-autoclose": {
        "task": "complaints.tasks.autoclose_complaints",
        "schedule": crontab(minute="*/15"),
    },
    # New status changes, bills due, payments, complaint answers and data changes.
    "notifications-collect": {
        "task": "notifications.tasks.collect_notifications",
        "schedule": 60.0,
    },
    "registration-drafts-expire": {
        "task": "registrations.tasks.expire_drafts",
        "schedule": crontab(minute="*/15"),
    },
    # Messages due for a retry, and ones whose send task was lost.
    "messaging-requeue": {"task": "messaging.tasks.requeue_due_messages", "schedule": 60.0},
}
# Ubah Data Peserta (DESIGN.md 4.6): "3 months" at an FKTP, "1 year" in a class, "1 year" in
# PD Pemda before a move to PBPU, counted in days.
CHANGES_FKTP_MIN_DAYS = env_int("CHANGES_FKTP_MIN_DAYS", 90, minimum=0)
CHANGES_CLASS_MIN_DAYS = env_int("CHANGES_CLASS_MIN_DAYS", 365, minimum=0)
CHANGES_PD_PEMDA_MIN_DAYS = env_int("CHANGES_PD_PEMDA_MIN_DAYS", 365, minimum=0)
STATUS_RECOMPUTE_CHUNK = env_int("STATUS_RECOMPUTE_CHUNK", 2000, minimum=1)

# --- Mock Dukcapil registry -------------------------------------------------------------------
# Embedded default: served by this process under /registry/. In production its own service.
# Serve the mock registry from this process (the embedded default); off in production.
REGISTRY_EMBEDDED = env_bool("REGISTRY_EMBEDDED", DEBUG)
# Empty with the embedded registry: this server's own address, whatever host and port it is
# served on (dukcapil_sync.client.registry_url).
DUKCAPIL_URL = env_str("DUKCAPIL_URL", "")
# Never a constant in the source: configured, or (embedded) random per installation in var/.
DUKCAPIL_API_KEY = env_str("DUKCAPIL_API_KEY") or (
    installation_secret(VAR_DIR, "registry-api-key") if REGISTRY_EMBEDDED else ""
)
DUKCAPIL_TIMEOUT_SECONDS = env_float("DUKCAPIL_TIMEOUT_SECONDS", 5, minimum=0)
# The registry's own knobs (used only by the registry service).
REGISTRY_API_KEYS = env_list("REGISTRY_API_KEYS", DUKCAPIL_API_KEY)
REGISTRY_LATENCY_MS = env_int("REGISTRY_LATENCY_MS", 0, minimum=0)
REGISTRY_ERROR_RATE = env_float("REGISTRY_ERROR_RATE", 0, minimum=0)
REGISTRY_BATCH_LIMIT = env_int("REGISTRY_BATCH_LIMIT", 500, minimum=1)
# Demos and tests only: enables the registry's POST .../_control (seed, events, faults).
REGISTRY_CONTROL_KEY = env_str("REGISTRY_CONTROL_KEY", "")
# Demos only: the key this portal sends to a registry *service's* control endpoint, so that
# `seed_demo` seeds the registry the sync reads (over HTTP) when it is not embedded.
DUKCAPIL_CONTROL_KEY = env_str("DUKCAPIL_CONTROL_KEY", "")

# --- Dukcapil sync (dukcapil_sync; DESIGN.md 4.8) ---------------------------------------------
# Client (dukcapil_sync/client.py): timeout on every call, retries with exponential backoff and
# jitter on network errors and 5xx only, a circuit breaker per registry URL and process.
DUKCAPIL_CONNECT_TIMEOUT_SECONDS = env_float("DUKCAPIL_CONNECT_TIMEOUT_SECONDS", 3, minimum=0)
DUKCAPIL_RETRIES = env_int("DUKCAPIL_RETRIES", 4, minimum=0)
DUKCAPIL_BACKOFF_SECONDS = env_float("DUKCAPIL_BACKOFF_SECONDS", 0.5, minimum=0)
DUKCAPIL_BACKOFF_MAX_SECONDS = env_float("DUKCAPIL_BACKOFF_MAX_SECONDS", 10, minimum=0)
DUKCAPIL_BREAKER_FAIL_MAX = env_int("DUKCAPIL_BREAKER_FAIL_MAX", 5, minimum=1)
DUKCAPIL_BREAKER_RESET_SECONDS = env_float("DUKCAPIL_BREAKER_RESET_SECONDS", 60, minimum=0)
# NIKs / KKs per batch request; at most the registry's REGISTRY_BATCH_LIMIT.
DUKCAPIL_BATCH_SIZE = env_int("DUKCAPIL_BATCH_SIZE", 500, minimum=1)
# A participant pressing "Sinkronkan data keluarga" waits for the answer: fewer retries.
DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS = env_float(
    "DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS", 3, minimum=0
)
DUKCAPIL_INTERACTIVE_RETRIES = env_int("DUKCAPIL_INTERACTIVE_RETRIES", 1, minimum=0)
# Full sync: participants per chunk (whole families), seconds before a claimed chunk whose
# worker went silent may be claimed again, attempts before a chunk is given up. The claim is
# renewed every third of the lease while the chunk is worked on, so the lease only bounds how
# long a dead worker's chunk waits (plus at most a minute for the watchdog).
DUKCAPIL_SYNC_CHUNK_SIZE = env_int("DUKCAPIL_SYNC_CHUNK_SIZE", 1000, minimum=1)
DUKCAPIL_SYNC_LEASE_SECONDS = env_int("DUKCAPIL_SYNC_LEASE_SECONDS", 60, minimum=1)
DUKCAPIL_SYNC_MAX_ATTEMPTS = env_int("DUKCAPIL_SYNC_MAX_ATTEMPTS", 3, minimum=1)
# Differences applied without staff (with an audit record); the rest go to the staff queue.
# NAME_CASE: letter case only; NAME_SPACING: spaces only. Empty: everything goes to staff.
DUKCAPIL_SAFE_DIFFERENCES = frozenset(
    env_list("DUKCAPIL_SAFE_DIFFERENCES", "NAME_CASE,NAME_SPACING")
)
# "Sinkronkan data keluarga" (page and POST /api/v1/me/family/sync/), per family.
DUKCAPIL_FAMILY_SYNC_RATE = env_str("DUKCAPIL_FAMILY_SYNC_RATE", "5/hour")

# --- Domain knobs -----------------------------------------------------------------------------
# The 24-month arrears cap is a regulation, not a knob: participants.contributions holds it.
# Denda pelayanan applies to inpatient care within 45 days after reactivation (Pasal 42(5)).
PENALTY_WINDOW_DAYS = 45
# DESIGN 4.5: a registered, paid newborn without a NIK stays AKTIF this many months from birth.
NEWBORN_NIK_GRACE_MONTHS = 3
# DESIGN 4.4 (assumption): days after registration before the first payment is accepted.
FIRST_PAYMENT_WAITING_DAYS = 0
# Assumption (DESIGN 4.4): the VA of a family is 88888 + the KK's last 11 digits.
VA_PREFIX = env_str("VA_PREFIX", "88888")

# --- Registrations (issue 10) ----------------------------------------------------------------
# A draft left alone this long expires (every step moves the deadline on).
REGISTRATION_DRAFT_HOURS = env_int("REGISTRATION_DRAFT_HOURS", 24, minimum=1)
# Assumption (DESIGN 4.4): the first payment's VA stays valid 30 days.
REGISTRATION_VA_VALID_DAYS = env_int("REGISTRATION_VA_VALID_DAYS", 30, minimum=1)
# Perpres 82/2018 Pasal 16: a newborn is registered within 28 days of birth (BBL); until then
# a baby may be registered with the birth-certificate number before a NIK exists.
REGISTRATION_NEWBORN_DAYS = env_int("REGISTRATION_NEWBORN_DAYS", 28, minimum=1)
REGISTRATION_CODE_MINUTES = env_int("REGISTRATION_CODE_MINUTES", 10, minimum=1)
REGISTRATION_CODE_ATTEMPTS = env_int("REGISTRATION_CODE_ATTEMPTS", 5, minimum=1)
REGISTRATION_CODE_RESEND_SECONDS = env_int("REGISTRATION_CODE_RESEND_SECONDS", 60, minimum=0)

# --- Payments (issue 3): bills, signed notifications, reactivation ---------------------------
# A queue for the reactivation task, e.g. "payments" with its own worker, so a long billing
# run never delays a family waiting to be active again. Empty: the default queue.
PAYMENTS_QUEUE = env_str("PAYMENTS_QUEUE", "")
BILLING_CHUNK = env_int("BILLING_CHUNK", 1000, minimum=1)
REACTIVATION_SWEEP_AFTER_SECONDS = env_int("REACTIVATION_SWEEP_AFTER_SECONDS", 30, minimum=0)
REACTIVATION_SWEEP_CHUNK = env_int("REACTIVATION_SWEEP_CHUNK", 200, minimum=1)
# The event task applies its own reactivation plus the oldest others waiting, up to this many.
REACTIVATION_BATCH = env_int("REACTIVATION_BATCH", 50, minimum=1)
# Notifications signed more than this many seconds from our clock are refused (replays).
PAYMENT_NOTIFICATION_MAX_AGE_SECONDS = 300
# Channel secrets from the environment, "CODE:secret,CODE2:secret"; they win over the
# database. Never commit one.
PAYMENT_CHANNEL_SECRETS = env_pairs("PAYMENT_CHANNEL_SECRETS")
# The "Bayar (simulasi)" button: on for the embedded default, off in production.
PAYMENT_SIMULATION = env_bool("PAYMENT_SIMULATION", DEBUG)

# --- Operations (issue 16): logs, metrics, error reports, worker and broker behaviour ---------
# Logs: JSON lines (one object per line, with the request id) in production, text at a
# terminal. LOG_FORMAT=json|text overrides; LOG_LEVEL sets the level.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not json or text")
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.observability.RequestIdFilter"},
        "expected_refusal": {"()": "core.observability.ExpectedRefusalFilter"},
    },
    "formatters": {
        "json": {"()": "core.observability.JsonFormatter"},
        "text": {"()": "core.observability.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "expected_refusal"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # The access log is written by core.observability.RequestIdMiddleware.
        "django.server": {"handlers": [], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# ADMINS="Name <ops@example.id>,ops2@example.id": mailed on every 500 when e-mail is set up.
ADMINS = [
    (a.split("<")[0].strip() or a.strip(), a.split("<")[-1].rstrip(">").strip())
    for a in env_list("ADMINS")
]
SERVER_EMAIL = env_str("SERVER_EMAIL", "jkn-portal@localhost")
if ADMINS and not DEBUG:
    LOGGING["handlers"]["mail_admins"] = {
        "class": "django.utils.log.AdminEmailHandler",
        "level": "ERROR",
    }
    LOGGING["loggers"]["django.request"] = {
        "handlers": ["console", "mail_admins"],
        "level": "INFO",
        "propagate": False,
    }

# Error reports to Sentry (or a compatible service): off unless SENTRY_DSN is set. No personal
# data is sent (send_default_pii off: no user, cookies or request bodies).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        release=env_str("SENTRY_RELEASE") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0, minimum=0),
        send_default_pii=False,
    )

# Prometheus: see jkn_portal/operations/metrics.py. METRICS_DIR holds one directory per kind
# of process (the Makefile sets PROMETHEUS_MULTIPROC_DIR to METRICS_DIR/web or /worker).
# METRICS_TOKEN, when set, is required as "Authorization: Bearer <token>" on /metrics.
METRICS_DIR = Path(env_str("METRICS_DIR", str(VAR_DIR / "metrics")))
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Celery in production. The worker logs through LOGGING above (JSON, request ids).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A request that queues a task while the broker is down gives up after about a second instead
# of hanging; what it queued is repaired by the sweeps (reactivations every minute).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged message to another worker after the visibility timeout. It
# must exceed the longest task time limit (CELERY_TASK_TIME_LIMIT, 30 min; the full sync's
# tasks end within 25 min and continue in a new task), or a task still running would be run
# twice. A worker killed mid-task is replaced sooner by the watchdogs and sweeps (minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 2400, minimum=60)
}

# --- Complaints (issue 12; DESIGN.md 4.7) ---------------------------------------------------
# Attachments live outside the web root and every static folder; only the complaint's own
# views serve them, to those allowed to see the complaint.
COMPLAINT_ATTACHMENTS_DIR = Path(
    env_str("COMPLAINT_ATTACHMENTS_DIR", str(VAR_DIR / "private" / "attachments"))
)
COMPLAINT_ATTACHMENT_MAX_BYTES = env_int(
    "COMPLAINT_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1
)
# A complaint in PENANGANAN closes when the participant has not answered for this many days
# after the branch's last reply.
COMPLAINT_AUTO_CLOSE_DAYS = env_int("COMPLAINT_AUTO_CLOSE_DAYS", 5, minimum=1)
# New complaints per account (page and API share it): enough for a family, not for a flood.
COMPLAINT_FILE_RATE = env_str("COMPLAINT_FILE_RATE", "10/hour")
# KIS Digital: how long the QR code's signed token stays valid.
CARD_TOKEN_MAX_AGE_SECONDS = env_int("CARD_TOKEN_MAX_AGE_SECONDS", 24 * 3600, minimum=60)
# --- Messages (messaging/): e-mail and SMS, sent by Celery after commit ----------------------
# E-mail: the embedded default writes each message to a file in var/mail/ (and the staff-only
# outbox page at /outbox/ lists them); production sets EMAIL_BACKEND to SMTP and EMAIL_HOST etc.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "JKN Portal <no-reply@jkn-portal.test>")
MESSAGING_MAIL_DOMAIN = env_str("MESSAGING_MAIL_DOMAIN", "jkn-portal.test")
# SMS: "messaging.gateways.OutboxSmsGateway" (nothing leaves; read it on /outbox/) or
# "messaging.gateways.HttpSmsGateway" with SMS_GATEWAY_URL and SMS_GATEWAY_API_KEY.
MESSAGING_SMS_GATEWAY = env_str("MESSAGING_SMS_GATEWAY", "messaging.gateways.OutboxSmsGateway")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_API_KEY = env_str("SMS_GATEWAY_API_KEY", "")
SMS_GATEWAY_CONNECT_TIMEOUT = env_float("SMS_GATEWAY_CONNECT_TIMEOUT", 3, minimum=0.1)
SMS_GATEWAY_TIMEOUT = env_float("SMS_GATEWAY_TIMEOUT", 5, minimum=0.1)
SMS_GATEWAY_RETRIES = env_int("SMS_GATEWAY_RETRIES", 2, minimum=0)
SMS_GATEWAY_BACKOFF_SECONDS = env_float("SMS_GATEWAY_BACKOFF_SECONDS", 0.5, minimum=0)
# Attempts per message (each a Celery task) before it is FAILED and shown to staff to retry.
MESSAGING_MAX_ATTEMPTS = env_int("MESSAGING_MAX_ATTEMPTS", 4, minimum=1)
MESSAGING_RETRY_BASE_SECONDS = env_int("MESSAGING_RETRY_BASE_SECONDS", 30, minimum=1)
MESSAGING_LOST_AFTER_SECONDS = env_int("MESSAGING_LOST_AFTER_SECONDS", 300, minimum=30)
# A queue of its own for messages (e.g. "messages" with `celery worker -Q messages`), so a code
# is never stuck behind a long billing run. Empty: the default queue.
MESSAGING_QUEUE = env_str("MESSAGING_QUEUE", "")
# Keep message bodies (they hold one-time codes) after sending: only for the dev outbox.
MESSAGING_KEEP_BODIES = env_bool("MESSAGING_KEEP_BODIES", DEBUG)

# --- Participant accounts (accounts/, issue 9) -----------------------------------------------
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
ACCOUNTS_CODE_TTL_MINUTES = env_int("ACCOUNTS_CODE_TTL_MINUTES", 5, minimum=1)
ACCOUNTS_CODE_MAX_ATTEMPTS = env_int("ACCOUNTS_CODE_MAX_ATTEMPTS", 5, minimum=1)
# At most this many codes per window, per participant and per destination.
ACCOUNTS_CODE_SENDS = env_int("ACCOUNTS_CODE_SENDS", 3, minimum=1)
ACCOUNTS_CODE_WINDOW_MINUTES = env_int("ACCOUNTS_CODE_WINDOW_MINUTES", 15, minimum=1)
# Anonymous NIK/card + birth-date checks (account creation, Lupa Password), per IP address,
# in django-ratelimit's notation ("10/15m": 10 per 15 minutes).
ACCOUNTS_IDENTIFY_RATE = env_str("ACCOUNTS_IDENTIFY_RATE", "10/15m")
ACCOUNTS_PIN_MAX_FAILURES = env_int("ACCOUNTS_PIN_MAX_FAILURES", 5, minimum=1)
ACCOUNTS_PIN_LOCK_MINUTES = env_int("ACCOUNTS_PIN_LOCK_MINUTES", 30, minimum=1)
ACCOUNTS_REMEMBER_ME_DAYS = env_int("ACCOUNTS_REMEMBER_ME_DAYS", 14, minimum=1)
# Bot check (django-simple-captcha): an arithmetic picture, made on this server, no third party.
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.math_challenge"
CAPTCHA_TIMEOUT = 10  # minutes
CAPTCHA_LENGTH = 4
CAPTCHA_IMAGE_SIZE = (140, 50)
CAPTCHA_FONT_SIZE = 32

# --- Facility lookups (issue 13; issue 7 point 13) ------------------------------------------
# Eligibility lookups per facility account, REST API and VClaim facade together: each
# "COUNT/unit" window applies (units sec, min, hour, day). Counted in the cache (REDIS_URL).
ELIGIBILITY_RATE_LIMIT = env_str("ELIGIBILITY_RATE_LIMIT", "60/min,5000/day")
if not re.fullmatch(r"\s*\d+/[smhd][a-z]*\s*(,\s*\d+/[smhd][a-z]*\s*)*", ELIGIBILITY_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"ELIGIBILITY_RATE_LIMIT={ELIGIBILITY_RATE_LIMIT!r}: expected e.g. 60/min,5000/day"
    )
# VClaim facade: X-timestamp may be this far from our clock (seconds).
VCLAIM_TIMESTAMP_TOLERANCE_SECONDS = env_int("VCLAIM_TIMESTAMP_TOLERANCE_SECONDS", 300, minimum=1)
# gunicorn (by default), Django's runserver and many proxies drop headers with an underscore
# such as `user_key`. Off: a missing user_key is accepted (a wrong one never is); on: it must
# arrive (e.g. gunicorn --header-map dangerous, nginx underscores_in_headers on).
VCLAIM_REQUIRE_USER_KEY = env_bool("VCLAIM_REQUIRE_USER_KEY", False)
# After a secret is rotated the old one keeps working this long, so the SIMRS can switch.
VCLAIM_ROTATION_GRACE_HOURS = env_int("VCLAIM_ROTATION_GRACE_HOURS", 24, minimum=0)
# Fernet keys that encrypt the stored facility secrets, comma-separated, newest first (older
# ones still decrypt, for key rotation). Empty: derived from SECRET_KEY.
VCLAIM_SECRET_KEYS = env_list("VCLAIM_SECRET_KEYS")

# --- Notifications (issue 12): the bell, e-mail and SMS through messaging -------------------
# Rows of the last this many hours are looked at for new notifications (a pass every minute).
NOTIFICATIONS_LOOKBACK_HOURS = env_int("NOTIFICATIONS_LOOKBACK_HOURS", 48, minimum=1)
# "A bill is due in 3 days": the reminder goes out this many days before the due date.
NOTIFICATIONS_BILL_DUE_DAYS = env_int("NOTIFICATIONS_BILL_DUE_DAYS", 3, minimum=0)
