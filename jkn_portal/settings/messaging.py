"""Outgoing messages (messaging/): e-mail and SMS, sent by Celery after commit."""

from ..env import env_bool, env_float, env_int, env_str
from .base import DEBUG, VAR_DIR

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
