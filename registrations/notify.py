"""Messages of the registration flow: the contact code and the first payment's VA.

Sent after the transaction commits, so a refused step sends nothing."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from core.formatting import rupiah

from .models import Registration


def _send_after_commit(*, to: str, template: str, context: dict) -> None:
    subject = render_to_string(f"registrations/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"registrations/email/{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]), robust=True)


def contact_code_send(*, registration: Registration, code: str) -> None:
    _send_after_commit(
        to=registration.contact_email, template="contact_code", context={"code": code}
    )


def virtual_account_send(*, registration: Registration, amount: int) -> None:
    _send_after_commit(
        to=registration.contact_email,
        template="virtual_account",
        context={
            "registration": registration,
            "amount": rupiah(amount),
            "expires": registration.va_expires_on,
        },
    )
