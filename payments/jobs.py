"""The payments jobs, chunked, with progress in a JobRun (admin, `manage.py` output).

Each chunk is one transaction, so a worker killed mid-run loses at most the chunk in flight,
and running the job again finishes the rest without duplicates:
- billing: the unique (family, month) key; families already billed are skipped;
- reactivation sweep: PENDING rows claimed with SELECT ... FOR UPDATE SKIP LOCKED and marked
  DONE in the same transaction as the members' facts;
- month end: re-deriving a status is idempotent (the status function, no change no row).
"""

import logging
from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.models import JobRun
from families.models import FamilyCard
from participants.contributions import RateTable
from participants.models import Cause
from participants.services import participants_refresh_statuses
from participants.status import month_index, month_start

from .models import Bill, BillLine, Payment, Reactivation
from .services import bills_generate, family_settle_credit, reactivations_apply
from .services.billing import WageBook, month_of, rate_book, wage_book

logger = logging.getLogger(__name__)

Progress = Callable[[JobRun], None]


def _advance(run: JobRun, *, done: int, changed: int, progress: Progress | None) -> None:
    run.done += done
    run.changed += changed
    JobRun.objects.filter(pk=run.pk).update(done=run.done, changed=run.changed)
    if progress:
        progress(run)


def _finish(run: JobRun, exc: BaseException | None) -> None:
    if exc is None:
        run.state = JobRun.State.DONE
    else:
        run.state = JobRun.State.FAILED
        run.error = repr(exc)
        logger.exception("%s failed after %s of %s", run.name, run.done, run.total)
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "error", "finished_at", "done", "changed"])


def _bill_chunk(
    *, run_id: int, family_ids: list[int], month: date, rates: RateTable, wages: WageBook
) -> int:
    """Bill one chunk and count it, in one transaction: its bills are committed if and only if
    they are counted, so the counts stay exact whatever kills the worker."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                made = bills_generate(
                    family_ids=family_ids, month=month, on=month, rates=rates, wages=wages
                )
                JobRun.objects.filter(pk=run_id).update(
                    done=F("done") + len(family_ids), changed=F("changed") + made
                )
            return made
        except IntegrityError:
            # Another run billed some of these families at the same moment: the chunk
            # rolled back; once more, it skips what the other run made.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def billing_run(
    *, month: date, chunk_size: int | None = None, progress: Progress | None = None
) -> JobRun:
    """Bills for `month` for every family that has none yet (`changed` counts new bills), one
    chunk after the other in this process (the command; the beat task fans out instead).
    Members are billed as they stand on the 1st of the month."""
    month = month_of(month)
    chunk_size = chunk_size or settings.BILLING_CHUNK
    run = JobRun.objects.create(name=f"billing {month:%Y-%m}", total=FamilyCard.objects.count())
    rates, wages = rate_book().table(month), wage_book()
    last_id = 0
    try:
        while True:
            ids = list(
                FamilyCard.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:chunk_size]
            )
            if not ids:
                break
            made = _bill_chunk(run_id=run.pk, family_ids=ids, month=month, rates=rates, wages=wages)
            last_id = ids[-1]
            run.done += len(ids)
            run.changed += made
            if progress:
                progress(run)
    except BaseException as exc:
        _finish(run, exc)
        raise
    _finish(run, None)
    return run


def billing_plan(*, month: date, chunk_size: int | None = None) -> tuple[JobRun, list[tuple]]:
    """Start a billing run to be done by many workers: the JobRun, and the chunks as family id
    ranges (after_id, last_id]. The chunk that completes the count closes the run."""
    month = month_of(month)
    chunk_size = chunk_size or settings.BILLING_CHUNK
    ids = list(FamilyCard.objects.order_by("pk").values_list("pk", flat=True))
    run = JobRun.objects.create(name=f"billing {month:%Y-%m}", total=len(ids))
    if not ids:
        _finish(run, None)
    chunks = [
        (ids[i - 1] if i else 0, ids[min(i + chunk_size, len(ids)) - 1])
        for i in range(0, len(ids), chunk_size)
    ]
    return run, chunks


def billing_chunk_run(*, run_id: int, month: date, after_id: int, last_id: int) -> int:
    """One chunk of a planned billing run (a task; several run at once on several workers)."""
    month = month_of(month)
    ids = list(
        FamilyCard.objects.filter(pk__gt=after_id, pk__lte=last_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    try:
        made = _bill_chunk(
            run_id=run_id,
            family_ids=ids,
            month=month,
            rates=rate_book().table(month),
            wages=wage_book(),
        )
    except Exception as exc:
        JobRun.objects.filter(pk=run_id, state=JobRun.State.RUNNING).update(
            state=JobRun.State.FAILED, error=repr(exc)[:2000], finished_at=timezone.now()
        )
        raise
    JobRun.objects.filter(pk=run_id, state=JobRun.State.RUNNING, done__gte=F("total")).update(
        state=JobRun.State.DONE, finished_at=timezone.now()
    )
    progress = JobRun.objects.filter(pk=run_id).values_list("name", "done", "total").first()
    if progress:
        logger.info("%s: %s/%s families, %s bills in this chunk", *progress, made)
    return made


def pending_reactivations(*, older_than_seconds: float) -> QuerySet[Reactivation]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return Reactivation.objects.filter(state=Reactivation.State.PENDING, created_at__lte=cutoff)


def reactivations_sweep_run(
    *,
    older_than_seconds: float | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> JobRun:
    """Apply every reactivation still PENDING after `older_than_seconds` (the event task was
    lost: broker down, worker killed). `done` counts reactivations applied, `changed` the
    members' status changes."""
    if older_than_seconds is None:
        older_than_seconds = settings.REACTIVATION_SWEEP_AFTER_SECONDS
    chunk_size = chunk_size or settings.REACTIVATION_SWEEP_CHUNK
    pending = pending_reactivations(older_than_seconds=older_than_seconds)
    run = JobRun.objects.create(name="reactivation_sweep", total=pending.count())
    try:
        while True:
            with transaction.atomic():
                ids = list(
                    pending.select_for_update(skip_locked=True, no_key=True)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:chunk_size]
                )
                if not ids:
                    break
                done = reactivations_apply(reactivation_ids=ids)
                applied = len(done)
                changed = sum(r.status_changes for r in done)
            _advance(run, done=applied, changed=changed, progress=progress)
    except BaseException as exc:
        _finish(run, exc)
        raise
    _finish(run, None)
    return run


def previous_month(on: date) -> date:
    return month_start(month_index(on) - 1)


def month_end_run(
    *,
    month: date,
    on: date | None = None,
    chunk_size: int | None = None,
    progress: Progress | None = None,
) -> JobRun:
    """After `month` ended unpaid: members of families with an open bill for it become TIDAK
    AKTIF from the 1st of the next month, through the one status function (Perpres 64/2020
    Pasal 42(1)). A family whose credit covers the bill is settled first, so it stays active.
    `done` counts families, `changed` status changes."""
    month = month_of(month)
    on = on or timezone.localdate()
    chunk_size = chunk_size or settings.BILLING_CHUNK
    unpaid = Bill.objects.filter(
        month=month, state=Bill.State.OPEN, payer__in=[Bill.Payer.FAMILY, Bill.Payer.EMPLOYER]
    )
    run = JobRun.objects.create(name=f"month_end {month:%Y-%m}", total=unpaid.count())
    last_family = 0
    try:
        while True:
            family_ids = list(
                unpaid.filter(family_id__gt=last_family)
                .order_by("family_id")
                .values_list("family_id", flat=True)[:chunk_size]
            )
            if not family_ids:
                break
            with_credit = set(
                Payment.objects.filter(
                    family_id__in=family_ids, allocated_amount__lt=F("amount")
                ).values_list("family_id", flat=True)
            )
            for family_id in sorted(with_credit):
                family_settle_credit(family_id=family_id, on=on)
            participant_ids = sorted(
                set(
                    BillLine.objects.filter(
                        bill__month=month,
                        bill__family_id__in=family_ids,
                        bill__state=Bill.State.OPEN,
                    ).values_list("participant_id", flat=True)
                )
            )
            changed = participants_refresh_statuses(
                participant_ids=participant_ids, cause=Cause.DAILY_RECOMPUTE, on=on
            )
            last_family = family_ids[-1]
            _advance(run, done=len(family_ids), changed=changed, progress=progress)
    except BaseException as exc:
        _finish(run, exc)
        raise
    _finish(run, None)
    return run
