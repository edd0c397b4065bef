"""Who may log in and how (passwords, backends, login limits), and what the browser is told
to enforce (cookies, CSP, HTTPS)."""

from datetime import timedelta

from csp.constants import NONE, SELF, UNSAFE_INLINE

from ..env import env_bool, env_int
from .base import DEBUG

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
    # Django's ModelBackend with the session's user read in plain SQL (core.auth).
    "core.auth.UserBackend",
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

# --- Security (checked by `manage.py check --deploy` with DJANGO_DEBUG=0) -------------------
SESSION_COOKIE_HTTPONLY = True
# Database sessions, read in plain SQL on every page (core/sessions.py).
SESSION_ENGINE = "core.sessions"
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
