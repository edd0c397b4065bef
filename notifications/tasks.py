"""Thin Celery tasks over notifications.services."""

from celery import shared_task

from .services import notifications_collect


@shared_task(name="notifications.tasks.collect_notifications", acks_late=True, time_limit=300)
def collect_notifications() -> int:
    """Every minute (beat), and after a complaint reply. Idempotent: the unique (recipient,
    source) key and the outbox's event key make a repeated or redelivered run send nothing
    twice."""
    return notifications_collect().created
