"""The cache (rate limits, answers keyed by fact tokens) and the REST API (DRF, knox, schema)."""

from datetime import timedelta

from ..env import env_int, env_str
from .security import TRUSTED_PROXY_COUNT

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
# How many of those answers each process also keeps in its own memory, in front of the shared
# cache (core.cache.kept): up to about 10 KB each (a page 8 KB), so 20 MB at most; 0 turns
# it off.
KEPT_HERE_ENTRIES = env_int("KEPT_HERE_ENTRIES", 2000, minimum=0)

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
