"""Thin Celery tasks over changes.services (STYLE.md 7)."""

from celery import shared_task
from django.utils import timezone

from .services import scheduled_changes_apply


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def apply_scheduled_changes() -> int:
    """Idempotent (each change is claimed SCHEDULED -> APPLIED with its write), so acks_late
    is safe: a redelivered run applies nothing twice."""
    return scheduled_changes_apply(on=timezone.localdate()).done
