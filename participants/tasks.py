"""Thin Celery tasks over participants.services (STYLE.md 7)."""

import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from core.models import JobRun
from core.tasks import DATABASE_RETRY

from .models import Cause, Participant
from .services import participants_refresh_statuses

logger = logging.getLogger(__name__)


def recompute_all_statuses_run(*, chunk_size: int | None = None) -> JobRun:
    """Re-derive every live participant's status in id-ordered chunks, each chunk in its own
    transaction. Idempotent: a second run changes nothing and records no status change; a run
    killed halfway leaves finished chunks done, and the next run completes the rest."""
    chunk_size = chunk_size or settings.STATUS_RECOMPUTE_CHUNK
    live = Participant.objects.filter(retired_at__isnull=True)
    run = JobRun.objects.create(name="status_recompute", total=live.count())
    today = timezone.localdate()
    last_id = 0
    try:
        while True:
            ids = list(
                live.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:chunk_size]
            )
            if not ids:
                break
            changed = participants_refresh_statuses(
                participant_ids=ids, cause=Cause.DAILY_RECOMPUTE, on=today
            )
            last_id = ids[-1]
            # Progress is visible in the admin while the job runs.
            JobRun.objects.filter(pk=run.pk).update(
                done=run.done + len(ids), changed=run.changed + changed
            )
            run.done += len(ids)
            run.changed += changed
            logger.info(
                "status recompute: %s/%s participants, %s changed", run.done, run.total, run.changed
            )
        run.state = JobRun.State.DONE
    except Exception as exc:
        run.state = JobRun.State.FAILED
        run.error = repr(exc)
        logger.exception("status recompute failed after %s participants", run.done)
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "error", "finished_at", "done", "changed"])
    return run


# The same retry policy as the payment tasks: a deadlock or a lost connection runs the job
# again (idempotent: statuses that are already right are not touched).
@shared_task(name="participants.tasks.recompute_all_statuses", acks_late=True, **DATABASE_RETRY)
def recompute_all_statuses() -> dict[str, int]:
    run = recompute_all_statuses_run()
    return {"job_run": run.pk, "done": run.done, "changed": run.changed}
