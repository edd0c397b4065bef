"""Thin Celery tasks over complaints.services (STYLE.md 7)."""

from celery import shared_task
from django.utils import timezone

from core.enqueue import enqueue_on_commit
from core.models import JobRun

from .services import complaints_autoclose

AUTOCLOSE_BATCH = 1000


@shared_task(name="complaints.tasks.autoclose_complaints", acks_late=True, time_limit=300)
def autoclose_complaints() -> int:
    """Every 15 minutes (beat). Idempotent: the conditional UPDATE claims each complaint, so a
    second run or a redelivered message closes nothing twice, and acks_late is safe. A run
    that closed something leaves a JobRun for the operators; an empty one leaves nothing."""
    closed = 0
    while True:
        result = complaints_autoclose(limit=AUTOCLOSE_BATCH)
        closed += len(result.closed)
        if len(result.closed) < AUTOCLOSE_BATCH:
            break
    if closed:
        enqueue_on_commit("notifications.tasks.collect_notifications")
        now = timezone.now()
        JobRun.objects.create(
            name="complaints_autoclose",
            state=JobRun.State.DONE,
            finished_at=now,
            total=closed,
            done=closed,
            changed=closed,
        )
    return closed
