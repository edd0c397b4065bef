"""1. billing: the monthly billing job (in-process, chunks of 1000) for next month."""

from __future__ import annotations

import time

from .processes import _start_workers, _stop
from .rows import Log, Result


def bench_billing(env: dict[str, str], queue: str, log: Log, result: Result) -> None:
    """The beat task as production runs it: planned, fanned out in chunk tasks of 1000
    families, billed by a Celery worker (prefork, concurrency 2)."""
    from django.db.models import Count
    from django.utils import timezone

    from core.models import JobRun
    from participants.status import month_index, month_start
    from payments.models import Bill, BillLine
    from payments.tasks import generate_monthly_bills

    month = month_start(month_index(timezone.localdate()) + 1)
    name = f"billing {month:%Y-%m}"
    Bill.objects.filter(month=month).delete()  # left by an interrupted earlier run
    log(f"billing {month:%Y-%m} for every family: chunk tasks of 1000 through the worker")
    workers = _start_workers(env, queue, 1, log)
    try:
        before = JobRun.objects.filter(name=name).count()
        started = time.perf_counter()
        generate_monthly_bills.apply_async(args=[f"{month:%Y-%m}"], queue=queue)
        run = None
        last_log = time.monotonic()
        while True:
            runs = JobRun.objects.filter(name=name).order_by("pk")
            run = runs.last() if runs.count() > before else None
            if run and run.state != JobRun.State.RUNNING:
                break
            if run is None and time.perf_counter() - started > 60:
                raise SystemExit(
                    "billing: no job run 60 s after sending the task; the worker never "
                    "received it (bench/out/payments-worker0.log)"
                )
            if time.perf_counter() - started > 900:
                raise SystemExit("billing did not finish within 15 minutes")
            if run and time.monotonic() - last_log > 15:
                log(f"  {run.done}/{run.total} families, {run.changed} bills")
                last_log = time.monotonic()
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        _stop(workers)
    if run.state != JobRun.State.DONE:
        raise SystemExit(f"billing run {run.pk} {run.state}: {run.error}")
    assert run.finished_at is not None  # a DONE run has finished
    seconds = (run.finished_at - run.started_at).total_seconds()
    lines = BillLine.objects.filter(bill__month=month).count()
    by_payer = dict(Bill.objects.filter(month=month).values_list("payer").annotate(n=Count("id")))
    log("  deleting the bench bills")
    Bill.objects.filter(month=month).delete()
    result.rows.append(
        [
            f"billing job, {run.done} families (worker)",
            f"{run.changed} bills",
            f"{seconds:.1f} s",
            f"{run.changed / seconds:.0f} bills/s",
            f"{run.done / seconds:.0f} families/s",
        ]
    )
    payers = ", ".join(f"{k} {v}" for k, v in sorted(by_payer.items()))
    result.notes.append(
        f"billing: {run.changed} bills ({payers}), {lines} bill lines, {seconds:.1f} s from "
        f"the job run's start to its end ({wall:.1f} s from sending the task); families "
        f"without a bill are paid ahead or have nobody billable; target < 60 s: "
        f"{'met' if seconds < 60 else 'NOT met'}"
    )
