"""Messages of the registration flow, through `messaging` (stored in the outbox, sent by
Celery after commit, once per event): the contact code and the first payment's VA."""

from django.conf import settings
from django.utils import translation

from core.formatting import rupiah
from messaging.models import Channel
from messaging.services import message_queue

from .models import Registration


def contact_code_send(*, registration: Registration, code: str) -> None:
    assert registration.code_sent_at is not None
    sent = int(registration.code_sent_at.timestamp() * 1_000_000)
    message_queue(
        event_key=f"registration-code:{registration.public_id}:{sent}",
        channel=Channel.EMAIL,
        destination=registration.contact_email,
        template="account_code",
        context={
            "code": code,
            "purpose": "pendaftaran",
            "minutes": settings.REGISTRATION_CODE_MINUTES,
        },
        language=translation.get_language() or "id",
        user=registration.created_by,
    )


def virtual_account_send(*, registration: Registration, amount: int) -> None:
    assert registration.va_expires_on is not None
    message_queue(
        event_key=f"registration-va:{registration.public_id}:{registration.va_issued_count}",
        channel=Channel.EMAIL,
        destination=registration.contact_email,
        template="registration_va",
        context={
            "kk": registration.kk_number,
            "va": registration.virtual_account,
            "amount": rupiah(amount),
            "day": registration.va_expires_on.strftime("%d-%m-%Y"),
        },
        language=translation.get_language() or "id",
        user=registration.created_by,
    )
