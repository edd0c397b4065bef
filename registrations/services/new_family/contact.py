"""The family's contact: the e-mail where the VA goes, proven by a 6-digit code."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed

from ... import notify
from ...models import Registration
from .draft import Step, locked_draft, touch


def _code_hash(registration: Registration, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{registration.public_id}:{code}".encode(), hashlib.sha256).hexdigest()


def contact_email_checked(email: str) -> str:
    email = email.strip()
    if not email:
        message = _("An e-mail address is needed: the virtual account is sent there.")
        raise ValidationFailed(message, fields={"email": [message]})
    return email


def registration_set_contact(*, registration: Registration, email: str, phone: str) -> Registration:
    """The family's contact; a code goes to the e-mail (where the VA will be sent too)."""
    email = contact_email_checked(email)
    with transaction.atomic():
        locked = locked_draft(registration, at_least=Step.CONTACT)
        now = timezone.now()
        wait = settings.REGISTRATION_CODE_RESEND_SECONDS
        if locked.code_sent_at and now - locked.code_sent_at < timedelta(seconds=wait):
            raise DomainError(
                _("A code was just sent. Wait a minute before asking for another."),
                code="CODE_RESEND_TOO_SOON",
            )
        code = f"{secrets.randbelow(10**6):06d}"
        locked.contact_email = email
        locked.contact_phone = phone.strip()[:16]
        locked.contact_verified_at = None
        locked.code_hash = _code_hash(locked, code)
        locked.code_attempts = 0
        locked.code_sent_at = now
        touch(locked, step=Step.VERIFY)
        notify.contact_code_send(registration=locked, code=code)
    return locked


def registration_verify_contact(*, registration: Registration, code: str) -> Registration:
    with transaction.atomic():
        locked = locked_draft(registration, at_least=Step.VERIFY)
        expired = locked.code_sent_at is None or timezone.now() - locked.code_sent_at > timedelta(
            minutes=settings.REGISTRATION_CODE_MINUTES
        )
        if expired or locked.code_attempts >= settings.REGISTRATION_CODE_ATTEMPTS:
            message = _("The code has expired or was tried too often. Ask for a new code.")
            raise ValidationFailed(message, code="CODE_EXPIRED", fields={"code": [message]})
        right = hmac.compare_digest(locked.code_hash, _code_hash(locked, code.strip()))
        if right:
            locked.contact_verified_at = timezone.now()
            locked.code_hash = ""
            touch(locked, step=Step.CONSENT)
        else:
            # The wrong attempt is counted (committed), then refused.
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts"])
    if not right:
        message = _("Wrong code.")
        raise ValidationFailed(message, code="CODE_WRONG", fields={"code": [message]})
    return locked
