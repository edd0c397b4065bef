"""Thin Celery tasks over payments services and jobs (STYLE.md 7).

All are idempotent (unique keys, rows claimed under lock), so `acks_late` is safe: a task
whose worker died is delivered again and finds finished work done. Database connection errors
are retried with backoff; bad data never is."""

import logging
from datetime import date

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from core.tasks import DATABASE_RETRY

from .jobs import (
    billing_chunk_run,
    billing_plan,
    month_end_run,
    previous_month,
    reactivations_sweep_run,
)
from .services import reactivations_apply

logger = logging.getLogger(__name__)


@shared_task(
    name="payments.tasks.reactivate",
    acks_late=True,
    time_limit=60,
    soft_time_limit=50,
    **DATABASE_RETRY,
)
def reactivate(reactivation_id: int) -> dict[str, int | bool]:
    """A confirmed payment's settlement, applied to the members (enqueued on commit), with
    the oldest others waiting, if any."""
    done = reactivations_apply(
        reactivation_ids=[reactivation_id], also_waiting=settings.REACTIVATION_BATCH - 1
    )
    own = next((r for r in done if r.pk == reactivation_id), None)
    return {
        "reactivation": reactivation_id,
        "applied": own is not None,
        "status_changes": own.status_changes if own else 0,
        "batch": len(done),
    }


@shared_task(name="payments.tasks.sweep_reactivations", acks_late=True, **DATABASE_RETRY)
def sweep_reactivations() -> dict[str, int]:
    run = reactivations_sweep_run()
    return {"job_run": run.pk, "done": run.done, "changed": run.changed}


def _month(value: str | None, default: date) -> date:
    return date.fromisoformat(f"{value}-01") if value else default


@shared_task(
    name="payments.tasks.generate_monthly_bills", bind=True, acks_late=True, **DATABASE_RETRY
)
def generate_monthly_bills(self: Task, month: str | None = None) -> dict[str, int]:
    """Bills of `month` ("YYYY-MM", default: this month), on the 1st (beat). Fans out: one
    task per chunk of families, on the queue this one came from, so every worker bills at
    once. Running it again bills only the families still without a bill."""
    when = _month(month, timezone.localdate())
    run, chunks = billing_plan(month=when)
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    for after_id, last_id in chunks:
        bill_families.apply_async((run.pk, f"{when:%Y-%m}", after_id, last_id), queue=queue)
    return {"job_run": run.pk, "total": run.total, "chunks": len(chunks)}


@shared_task(name="payments.tasks.bill_families", acks_late=True, **DATABASE_RETRY)
def bill_families(run_id: int, month: str, after_id: int, last_id: int) -> dict[str, int]:
    """One chunk of a billing run: the families with after_id < id <= last_id."""
    made = billing_chunk_run(
        run_id=run_id, month=_month(month, timezone.localdate()), after_id=after_id, last_id=last_id
    )
    return {"job_run": run_id, "bills": made}


@shared_task(name="payments.tasks.month_end", acks_late=True, **DATABASE_RETRY)
def month_end(month: str | None = None) -> dict[str, int]:
    """Members of families that left `month` unpaid (default: last month) become TIDAK AKTIF."""
    run = month_end_run(month=_month(month, previous_month(timezone.localdate())))
    return {"job_run": run.pk, "done": run.done, "changed": run.changed}
