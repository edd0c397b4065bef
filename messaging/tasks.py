"""Thin Celery tasks over messaging.services (ids in, services do the work)."""

from celery import shared_task
from django.conf import settings

from .models import Message
from .services import message_send, messages_requeue_due


@shared_task(name="messaging.tasks.send_message", soft_time_limit=60, time_limit=90)
def send_message(message_id: int) -> str:
    message = message_send(message_id=message_id)
    if message is None:
        return "skipped"
    if message.state == Message.State.RETRY and not settings.CELERY_TASK_ALWAYS_EAGER:
        send_message.apply_async(
            (message_id,), eta=message.next_attempt_at, queue=settings.MESSAGING_QUEUE or None
        )
    return message.state


@shared_task(name="messaging.tasks.requeue_due_messages", soft_time_limit=60, time_limit=90)
def requeue_due_messages() -> int:
    return messages_requeue_due()
