"""Operations: logs, error reports (mail to ADMINS, Sentry) and metrics."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ..env import env_float, env_list, env_str
from .base import DEBUG, VAR_DIR

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
