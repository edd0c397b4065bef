"""The full sync: built from whole families when it starts, then processed chunk by chunk by
one or more workers (see the package docstring for how it survives failures)."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Min
from django.utils import timezone

from core.models import JobRun, User
from families.models import FamilyMembership
from participants.models import Participant

from ...client import (
    RegistryCircuitOpen,
    RegistryClient,
    RegistryError,
    RegistryUnavailable,
)
from ...models import SyncChunk, SyncRun
from .chunks import (
    _chunk_give_up,
    _chunk_release,
    chunk_claim,
    chunk_lease_kept,
    chunk_process,
    run_finish_if_complete,
)
from .common import ClaimLost, Log, _job_name, _note

logger = logging.getLogger(__name__)


# --- building a full run -----------------------------------------------------------------------


def _full_sync_chunks(*, chunk_size: int, limit: int | None) -> list[tuple[list[int], list[int]]]:
    """(participant ids, family ids) per chunk: whole families in id order, then the live
    participants without a current family. Two queries, whatever the population."""
    live = list(
        Participant.objects.filter(retired_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    family_of = dict(
        FamilyMembership.objects.filter(
            valid_to__isnull=True, participant__retired_at__isnull=True
        ).values_list("participant_id", "family_id")
    )
    by_family: dict[int, list[int]] = defaultdict(list)
    loose: list[int] = []
    for pid in live:
        family_id = family_of.get(pid)
        if family_id is None:
            loose.append(pid)
        else:
            by_family[family_id].append(pid)
    chunks: list[tuple[list[int], list[int]]] = []
    people: list[int] = []
    families: list[int] = []
    total = 0

    def flush() -> None:
        nonlocal people, families
        if people:
            chunks.append((people, families))
        people, families = [], []

    units = [(ids, [fid]) for fid, ids in sorted(by_family.items())]
    units += [([pid], []) for pid in loose]
    for ids, fids in units:
        if limit is not None and total >= limit:
            break
        people += ids
        families += fids
        total += len(ids)
        if len(people) >= chunk_size:
            flush()
    flush()
    return chunks


def full_sync_start(
    *,
    trigger: str = SyncRun.Trigger.NIGHTLY,
    actor: User | None = None,
    chunk_size: int | None = None,
    limit: int | None = None,
) -> tuple[SyncRun, bool]:
    """The unfinished full run (resumed if an outage stopped it), or a new one. Returns
    (run, created). Two workers starting at once get the same run (unique constraint)."""
    existing = _resume_unfinished()
    if existing is not None:
        return existing, False
    chunk_size = chunk_size or settings.DUKCAPIL_SYNC_CHUNK_SIZE
    chunks = _full_sync_chunks(chunk_size=chunk_size, limit=limit)
    total = sum(len(ids) for ids, _fids in chunks)
    try:
        with transaction.atomic():
            job = JobRun.objects.create(name=_job_name(SyncRun.Kind.FULL), total=total)
            run = SyncRun.objects.create(
                kind=SyncRun.Kind.FULL,
                trigger=trigger,
                job_run=job,
                requested_by=actor,
                chunk_size=chunk_size,
                total=total,
                chunks_total=len(chunks),
            )
            SyncChunk.objects.bulk_create(
                [
                    SyncChunk(run=run, index=i, participant_ids=ids, family_ids=fids, size=len(ids))
                    for i, (ids, fids) in enumerate(chunks)
                ],
                batch_size=500,
            )
    except IntegrityError:
        # Another worker created the run first: join it.
        joined = _resume_unfinished()
        if joined is None:
            raise
        return joined, False
    _note(run, f"started: {total} participants in {len(chunks)} chunks of ~{chunk_size}")
    return run, True


def _resume_unfinished() -> SyncRun | None:
    run = SyncRun.objects.filter(
        kind=SyncRun.Kind.FULL, state__in=[SyncRun.State.RUNNING, SyncRun.State.STOPPED]
    ).first()
    if run is None:
        return None
    if run.state == SyncRun.State.STOPPED:
        resumed = SyncRun.objects.filter(pk=run.pk, state=SyncRun.State.STOPPED).update(
            state=SyncRun.State.RUNNING, finished_at=None
        )
        if resumed:
            JobRun.objects.filter(pk=run.job_run_id).update(
                state=JobRun.State.RUNNING, finished_at=None
            )
            _note(run, f"resumed at {run.done}/{run.total}")
        run.refresh_from_db()
    return run


# --- the worker loop ------------------------------------------------------------------------


@dataclass
class WorkSummary:
    chunks: int = 0
    done: int = 0
    stopped: bool = False
    # Other workers still hold chunks of the unfinished run: the first of their leases runs
    # out in this many seconds (then a chunk whose worker died may be taken over).
    leased_for_seconds: float | None = None


def full_sync_work(
    *,
    run: SyncRun,
    client: RegistryClient | None = None,
    log: Log | None = None,
    max_chunks: int | None = None,
    max_seconds: float | None = None,
) -> WorkSummary:
    """Process chunks of `run` until none is left to claim, the run stops, or `max_chunks`.
    Several workers may run this on the same run at once.

    A worker with nothing to claim returns at once, even while others hold chunks: it never
    sleeps on their leases. The summary says when the first lease runs out
    (`leased_for_seconds`), so the caller can come back then to take over a chunk whose worker
    died; a live worker finishes its chunk and the last one closes the run."""
    own_client = client is None
    client = client or RegistryClient()
    summary = WorkSummary()
    deadline = time.monotonic() + max_seconds if max_seconds else None
    try:
        while max_chunks is None or summary.chunks < max_chunks:
            if deadline is not None and time.monotonic() > deadline:
                break  # the task's time is up: the next run resumes the rest
            state = SyncRun.objects.filter(pk=run.pk).values_list("state", flat=True).first()
            if state != SyncRun.State.RUNNING:
                summary.stopped = state == SyncRun.State.STOPPED
                break
            claimed = chunk_claim(run=run)
            if claimed is None:
                break
            chunk, token = claimed
            try:
                with chunk_lease_kept(chunk=chunk, token=token):
                    result = chunk_process(run=run, chunk=chunk, token=token, client=client)
            except ClaimLost as lost:
                logger.warning("%s", lost)
                continue
            except RegistryUnavailable as exc:
                _chunk_release(chunk=chunk, token=token, error=str(exc), outage=True)
                if isinstance(exc, RegistryCircuitOpen) or client.breaker.current_state == "open":
                    run_stop(run=run, reason=str(exc))
                    summary.stopped = True
                    break
                continue
            except RegistryError as exc:
                # A rejected request (bad key, bad batch): retrying the same will not help.
                _chunk_release(chunk=chunk, token=token, error=str(exc))
                _chunk_give_up(run=run, chunk=chunk, error=str(exc))
                continue
            except Exception as exc:
                logger.exception("sync run %s chunk %s failed", run.pk, chunk.index)
                _chunk_release(chunk=chunk, token=token, error=f"{type(exc).__name__}: {exc}")
                continue
            summary.chunks += 1
            summary.done += result.done
            if log:
                fresh = SyncRun.objects.get(pk=run.pk)
                log(
                    f"chunk {chunk.index + 1}/{fresh.chunks_total}: {fresh.done}/{fresh.total} "
                    f"participants, {fresh.differences} differences ({fresh.applied} applied), "
                    f"{fresh.errors} records failed"
                )
    finally:
        if own_client:
            client.close()
    run_finish_if_complete(run=run)
    run.refresh_from_db()
    if run.state == SyncRun.State.RUNNING:
        summary.leased_for_seconds = _first_lease_ends_in(run=run)
    return summary


def _first_lease_ends_in(*, run: SyncRun) -> float | None:
    oldest = SyncChunk.objects.filter(run=run, state=SyncChunk.State.CLAIMED).aggregate(
        oldest=Min("claimed_at")
    )["oldest"]
    if oldest is None:
        return None
    ends = oldest + timedelta(seconds=settings.DUKCAPIL_SYNC_LEASE_SECONDS)
    return max(0.0, (ends - timezone.now()).total_seconds())


def held_chunks_note(*, run: SyncRun) -> str:
    """Which chunks other workers hold and when each becomes free if their worker is gone
    (a live worker renews its claim: chunks.chunk_lease_kept)."""
    lease = timedelta(seconds=settings.DUKCAPIL_SYNC_LEASE_SECONDS)
    now = timezone.now()
    held = SyncChunk.objects.filter(run=run, state=SyncChunk.State.CLAIMED).order_by("index")
    parts = []
    for chunk in held[:5]:
        if chunk.claimed_at is None:
            continue
        free_in = max(0, int((chunk.claimed_at + lease - now).total_seconds()))
        parts.append(f"chunk {chunk.index + 1} (free in {free_in} s unless renewed)")
    return "waiting for other workers: " + (", ".join(parts) or "none left")


def run_stop(*, run: SyncRun, reason: str) -> None:
    """The registry is down: stop cleanly and say so. The next run resumes."""
    stopped = SyncRun.objects.filter(pk=run.pk, state=SyncRun.State.RUNNING).update(
        state=SyncRun.State.STOPPED, stops=F("stops") + 1, finished_at=timezone.now()
    )
    if not stopped:
        return
    run.refresh_from_db()
    message = (
        f"stopped at {run.done}/{run.total}: registry unavailable ({reason}); "
        "the next run resumes from here"
    )
    _note(run, message)
    JobRun.objects.filter(pk=run.job_run_id).update(
        state=JobRun.State.FAILED, finished_at=timezone.now(), error=message
    )
    logger.warning("Dukcapil sync run %s %s", run.pk, message)
