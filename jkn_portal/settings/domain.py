"""The knobs of each feature: status and payments, registrations, data changes, complaints and
cards, participant accounts, facility lookups and notifications."""

import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from ..env import env_bool, env_int, env_list, env_pairs, env_str
from .base import DEBUG, VAR_DIR

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


# --- Data changes and status (changes/, participants/) ---------------------------------
# Ubah Data Peserta (DESIGN.md 4.6): "3 months" at an FKTP, "1 year" in a class, "1 year" in
# PD Pemda before a move to PBPU, counted in days.
CHANGES_FKTP_MIN_DAYS = env_int("CHANGES_FKTP_MIN_DAYS", 90, minimum=0)
CHANGES_CLASS_MIN_DAYS = env_int("CHANGES_CLASS_MIN_DAYS", 365, minimum=0)
CHANGES_PD_PEMDA_MIN_DAYS = env_int("CHANGES_PD_PEMDA_MIN_DAYS", 365, minimum=0)
STATUS_RECOMPUTE_CHUNK = env_int("STATUS_RECOMPUTE_CHUNK", 2000, minimum=1)

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
# How long a web process keeps a facility credential it has read (vclaim.selectors): a
# credential switched off in the admin stops answering within this many seconds everywhere.
VCLAIM_CREDENTIAL_CACHE_SECONDS = env_int("VCLAIM_CREDENTIAL_CACHE_SECONDS", 5, minimum=0)
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
