"""Thin Celery tasks over the registration services."""

from celery import shared_task
from django.utils import timezone

from .services import registrations_expire_drafts


@shared_task(name="registrations.tasks.expire_drafts", acks_late=True)
def expire_drafts() -> int:
    return registrations_expire_drafts(now=timezone.now())
