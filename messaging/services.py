"""Writes for messages: queue one per event (after commit), send it once, retry failures."""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.enqueue import enqueue_on_commit
from core.models import User
from participants.models import Participant

from .gateways import DeliveryError, Sms, send_email, sms_gateway
from .models import Channel, Message

logger = logging.getLogger(__name__)

SEND_TASK = "messaging.tasks.send_message"


def _render(template: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"messaging/{template}/subject.txt", context).strip()
        text = render_to_string(f"messaging/{template}/body.txt", context).strip()
        html = render_to_string(f"messaging/{template}/body.html", context).strip()
    return subject, text, html


def enqueue_send(message_id: int) -> None:
    """Send after the caller's transaction commits (at once outside one). A broker outage does
    not undo the committed event: the message stays QUEUED and the sweep sends it later."""
    enqueue_on_commit(SEND_TASK, message_id, queue=settings.MESSAGING_QUEUE or None)


def message_queue(
    *,
    event_key: str,
    channel: str,
    destination: str,
    template: str,
    context: dict[str, Any],
    language: str = "id",
    user: User | None = None,
    participant: Participant | None = None,
) -> Message:
    """Record the message for `event_key` and send it by Celery once the caller's transaction
    commits. The same event queued twice returns the first message and sends nothing more."""
    subject, text, html = _render(template, context, language)
    if channel == Channel.SMS:
        subject, html = "", ""  # an SMS is the plain text only
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            event_key=event_key,
            defaults={
                "channel": channel,
                "destination": destination,
                "template": template,
                "language": language,
                "subject": subject,
                "body_text": text,
                "body_html": html,
                "user": user,
                "participant": participant,
            },
        )
        if created:
            enqueue_send(message.pk)
    return message


def message_claim(*, message_id: int) -> Message | None:
    """Take a queued (or due for retry) message for sending. The conditional UPDATE lets only
    one worker win, so a message delivered twice to the queue is sent once."""
    now = timezone.now()
    claimed = Message.objects.filter(
        Q(state=Message.State.QUEUED) | Q(state=Message.State.RETRY),
        pk=message_id,
    ).update(state=Message.State.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return None
    return Message.objects.get(pk=message_id)


def _deliver(message: Message) -> str:
    if message.channel == Channel.EMAIL:
        return send_email(
            to=message.destination,
            subject=message.subject,
            text=message.body_text,
            html=message.body_html,
            reference=message.event_key,
        )
    return sms_gateway().send(
        Sms(to=message.destination, text=message.body_text, reference=message.event_key)
    )


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts + 1`: 30 s, 2 min, 8 min, ... capped at an hour."""
    base = settings.MESSAGING_RETRY_BASE_SECONDS
    return int(min(base * 4 ** max(attempts - 1, 0), 3600))


def message_send(*, message_id: int) -> Message | None:
    """Claim and send one message. Returns the message when this call sent it or recorded a
    failure; None when another worker has it or it was already sent."""
    message = message_claim(message_id=message_id)
    if message is None:
        return None
    try:
        provider_id = _deliver(message)
    except DeliveryError as exc:
        final = not exc.retryable or message.attempts >= settings.MESSAGING_MAX_ATTEMPTS
        message.state = Message.State.FAILED if final else Message.State.RETRY
        message.last_error = str(exc)[:500]
        message.next_attempt_at = (
            None if final else timezone.now() + timedelta(seconds=retry_delay(message.attempts))
        )
        message.save(update_fields=["state", "last_error", "next_attempt_at"])
        logger.warning("message %s attempt %s failed: %s", message.pk, message.attempts, exc)
        return message
    message.state = Message.State.SENT
    message.sent_at = timezone.now()
    message.provider_id = provider_id[:120]
    message.last_error = ""
    message.next_attempt_at = None
    fields = ["state", "sent_at", "provider_id", "last_error", "next_attempt_at"]
    if not settings.MESSAGING_KEEP_BODIES:
        message.body_text = message.body_html = ""
        message.body_erased = True
        fields += ["body_text", "body_html", "body_erased"]
    message.save(update_fields=fields)
    return message


def message_retry(*, message: Message, actor: User) -> Message:
    """Staff: send a failed message again (it keeps its event key, so it is still one message)."""
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, state=Message.State.FAILED).update(
            state=Message.State.QUEUED, next_attempt_at=None
        )
        if updated:
            logger.info("message %s retried by %s", message.pk, actor.username)
            enqueue_send(message.pk)
    message.refresh_from_db()
    return message


def messages_requeue_due(*, now: Any = None) -> int:
    """The sweep: messages whose retry time came, queued ones whose task was lost (broker
    down when they committed), and ones stuck in SENDING after a killed worker."""
    now = now or timezone.now()
    lost_after = now - timedelta(seconds=settings.MESSAGING_LOST_AFTER_SECONDS)
    Message.objects.filter(state=Message.State.SENDING, claimed_at__lt=lost_after).update(
        state=Message.State.RETRY, next_attempt_at=now, last_error="worker lost during send"
    )
    due = list(
        Message.objects.filter(
            Q(state=Message.State.RETRY, next_attempt_at__lte=now)
            | Q(state=Message.State.QUEUED, created_at__lt=lost_after)
        ).values_list("pk", flat=True)[:500]
    )
    for pk in due:
        enqueue_send(pk)
    return len(due)
