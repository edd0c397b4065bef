"""Reading a code the way a participant does: from the message that was really sent."""

import re

from django.core import mail

from messaging.models import Message
from messaging.services import message_send


def deliver_all() -> list[Message]:
    """Run the send task body for every queued message (what the worker does after commit)."""
    sent = []
    for pk in Message.objects.filter(state=Message.State.QUEUED).values_list("pk", flat=True):
        message = message_send(message_id=pk)
        if message is not None:
            sent.append(message)
    return sent


def code_in_last_email(to: str) -> str:
    for email in reversed(mail.outbox):
        if email.to == [to]:
            found = re.search(r"\b(\d{6})\b", str(email.body))
            assert found, email.body
            return found.group(1)
    raise AssertionError(f"no e-mail to {to}; sent: {[m.to for m in mail.outbox]}")


def code_in_last_sms(to: str) -> str:
    message = Message.objects.filter(channel="SMS", destination=to).order_by("-id").first()
    assert message is not None, f"no SMS to {to}"
    found = re.search(r"\b(\d{6})\b", message.body_text)
    assert found, message.body_text
    return found.group(1)
