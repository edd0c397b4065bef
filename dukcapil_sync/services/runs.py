"""Sync runs: the full sync (chunked, resumable, shared by several workers), one family, one
person. Every run is a SyncRun with a JobRun beside it, counting participants.

How a full run survives failures:
- Chunks are whole families, fixed when the run starts, so each participant is in one chunk.
- A worker claims a chunk with a conditional UPDATE (PENDING, or CLAIMED longer ago than the
  lease) and checks the row count: two workers never hold the same chunk.
- It asks the registry first (no transaction open), then writes the chunk's results and
  marks it DONE in one transaction, and only if its claim still holds: a chunk is counted
  once or not at all, even if the worker is killed (SIGKILL) halfway.
- When the registry is down (circuit breaker open) the run stops cleanly (STOPPED, with a
  report); the next run resumes it, picking up pending and abandoned chunks.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.models import JobRun, User
from families.models import FamilyCard, FamilyMembership
from participants.models import Participant

from ..client import (
    FamilyCardBatch,
    RegistryCircuitOpen,
    RegistryClient,
    RegistryError,
    RegistryUnavailable,
)
from ..models import SyncChunk, SyncRun
from .reconcile import (
    ChunkResult,
    RegistryAnswers,
    chunk_participant_ids,
    chunk_registry_keys,
    reconcile,
)

logger = logging.getLogger(__name__)

Log = Callable[[str], None]


class RegistryUnavailableError(DomainError):
    """Dukcapil could not be reached: the page or API says so and nothing was changed."""

    code = "REGISTRY_UNAVAILABLE"
    http_status = 503


class ClaimLost(Exception):
    """Our claim on the chunk expired and another worker took it: our results are dropped."""


def interactive_client() -> RegistryClient:
    """For someone waiting on a page: a short timeout and one retry."""
    return RegistryClient(
        timeout=settings.DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS,
        retries=settings.DUKCAPIL_INTERACTIVE_RETRIES,
    )


def _job_name(kind: str) -> str:
    return f"dukcapil_sync_{kind.lower()}"


def _note(run: SyncRun, line: str) -> None:
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    SyncRun.objects.filter(pk=run.pk).update(
        report=Concat(F("report"), Value(f"[{stamp}] {line}\n"))
    )


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


# --- claiming and processing chunks --------------------------------------------------------------


def chunk_claim(*, run: SyncRun) -> tuple[SyncChunk, str] | None:
    """Claim the next chunk: PENDING, or CLAIMED by a worker silent for longer than the
    lease. Conditional UPDATE + row count: if another worker won, try the next one."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DUKCAPIL_SYNC_LEASE_SECONDS)
    claimable = Q(state=SyncChunk.State.PENDING) | Q(
        state=SyncChunk.State.CLAIMED, claimed_at__lt=stale
    )
    # A chunk that has used up its attempts (it keeps killing workers, say) is given up.
    exhausted = SyncChunk.objects.filter(
        claimable, run=run, attempts__gte=settings.DUKCAPIL_SYNC_MAX_ATTEMPTS
    )
    for chunk in exhausted:
        _chunk_give_up(run=run, chunk=chunk, error=chunk.last_error or "worker lost repeatedly")
    while True:
        candidates = list(
            SyncChunk.objects.filter(claimable, run=run)
            .order_by("index")
            .values_list("pk", flat=True)[:10]
        )
        if not candidates:
            return None
        for pk in candidates:
            token = uuid.uuid4().hex
            won = (
                SyncChunk.objects.filter(claimable, pk=pk)
                .filter(attempts__lt=settings.DUKCAPIL_SYNC_MAX_ATTEMPTS)
                .update(
                    state=SyncChunk.State.CLAIMED,
                    claim_token=token,
                    claimed_at=now,
                    attempts=F("attempts") + 1,
                )
            )
            if won == 1:
                return SyncChunk.objects.get(pk=pk), token


def _chunk_give_up(*, run: SyncRun, chunk: SyncChunk, error: str) -> None:
    with transaction.atomic():
        gave_up = SyncChunk.objects.filter(
            pk=chunk.pk, state__in=[SyncChunk.State.PENDING, SyncChunk.State.CLAIMED]
        ).update(state=SyncChunk.State.FAILED, finished_at=timezone.now(), last_error=error)
        if gave_up:
            SyncRun.objects.filter(pk=run.pk).update(chunks_failed=F("chunks_failed") + 1)
    if gave_up:
        _note(run, f"chunk {chunk.index} given up after {chunk.attempts} attempts: {error}")


def _chunk_release(*, chunk: SyncChunk, token: str, error: str, outage: bool = False) -> None:
    """Give the chunk back (PENDING) after a failure, with the reason, for a later attempt.
    An unavailable registry is not the chunk's fault: that attempt is not counted."""
    SyncChunk.objects.filter(pk=chunk.pk, state=SyncChunk.State.CLAIMED, claim_token=token).update(
        state=SyncChunk.State.PENDING,
        claim_token="",
        claimed_at=None,
        last_error=error,
        attempts=F("attempts") - 1 if outage else F("attempts"),
    )


def fetch_answers(
    *, client: RegistryClient, participant_ids: list[int], family_ids: list[int]
) -> RegistryAnswers:
    niks, numbers = chunk_registry_keys(participant_ids=participant_ids, family_ids=family_ids)
    persons = client.persons(niks)
    cards = client.family_cards(numbers) if numbers else FamilyCardBatch()
    return RegistryAnswers(persons=persons, cards=cards)


def chunk_process(
    *, run: SyncRun, chunk: SyncChunk, token: str, client: RegistryClient
) -> ChunkResult:
    """Ask the registry about the chunk, then record everything and mark the chunk DONE in
    one transaction, provided our claim still holds (else ClaimLost, nothing written)."""
    participant_ids = list(chunk.participant_ids)
    calls_before = client.calls
    answers = fetch_answers(
        client=client, participant_ids=participant_ids, family_ids=chunk.family_ids
    )
    now = timezone.now()
    with transaction.atomic():
        result = reconcile(
            run=run,
            chunk=chunk,
            participant_ids=participant_ids,
            family_ids=chunk.family_ids,
            answers=answers,
            now=now,
        )
        marked = SyncChunk.objects.filter(
            pk=chunk.pk, state=SyncChunk.State.CLAIMED, claim_token=token
        ).update(
            state=SyncChunk.State.DONE,
            finished_at=now,
            done=result.done,
            differences=result.differences,
            applied=result.applied,
            errors=result.errors,
            last_error="",
        )
        if marked != 1:
            raise ClaimLost(f"chunk {chunk.index}: claim lost")
        SyncRun.objects.filter(pk=run.pk).update(
            done=F("done") + result.done,
            differences=F("differences") + result.differences,
            applied=F("applied") + result.applied,
            errors=F("errors") + result.errors,
            chunks_done=F("chunks_done") + 1,
        )
        JobRun.objects.filter(pk=run.job_run_id).update(
            done=F("done") + result.done, changed=F("changed") + result.differences
        )
    logger.debug(
        "sync run %s chunk %s: %s done, %s registry calls",
        run.pk,
        chunk.index,
        result.done,
        client.calls - calls_before,
    )
    return result


# --- the worker loop ------------------------------------------------------------------------


@dataclass
class WorkSummary:
    chunks: int = 0
    done: int = 0
    stopped: bool = False


def full_sync_work(
    *,
    run: SyncRun,
    client: RegistryClient | None = None,
    log: Log | None = None,
    max_chunks: int | None = None,
    wait_for_leases: bool = True,
    max_seconds: float | None = None,
) -> WorkSummary:
    """Process chunks of `run` until none is left, the run stops, or `max_chunks`. Several
    workers may run this on the same run at once.

    When only chunks claimed by other workers are left, it waits (polling) until they are
    done or their lease runs out, and takes over a chunk whose worker died."""
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
                if wait_for_leases and _others_still_working(run=run):
                    time.sleep(LEASE_POLL_SECONDS)
                    continue
                break
            chunk, token = claimed
            try:
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
    return summary


LEASE_POLL_SECONDS = 1.0


def _others_still_working(*, run: SyncRun) -> bool:
    return SyncChunk.objects.filter(run=run, state=SyncChunk.State.CLAIMED).exists()


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


def run_finish_if_complete(*, run: SyncRun) -> bool:
    """Close the run when no chunk is pending or claimed (the last worker does it)."""
    if SyncChunk.objects.filter(
        run=run, state__in=[SyncChunk.State.PENDING, SyncChunk.State.CLAIMED]
    ).exists():
        return False
    failed = SyncChunk.objects.filter(run=run, state=SyncChunk.State.FAILED).exists()
    final = SyncRun.State.FAILED if failed else SyncRun.State.DONE
    now = timezone.now()
    with transaction.atomic():
        closed = SyncRun.objects.filter(pk=run.pk, state=SyncRun.State.RUNNING).update(
            state=final, finished_at=now
        )
        if closed:
            fresh = SyncRun.objects.get(pk=run.pk)
            errors = "" if not failed else f"{fresh.chunks_failed} chunks failed; see the run"
            JobRun.objects.filter(pk=run.job_run_id).update(
                state=JobRun.State.FAILED if failed else JobRun.State.DONE,
                finished_at=now,
                error=errors,
            )
    if closed:
        run.refresh_from_db()
        _note(
            run,
            f"finished {run.state}: {run.done}/{run.total} participants, {run.differences} "
            f"differences ({run.applied} applied), {run.errors} records failed",
        )
    return bool(closed)


# --- one family, one person -------------------------------------------------------------------


def _single_chunk_run(
    *,
    kind: str,
    trigger: str,
    participant_ids: list[int],
    family_ids: list[int],
    family: FamilyCard | None,
    participant: Participant | None,
    actor: User | None,
    client: RegistryClient | None,
) -> SyncRun:
    token = uuid.uuid4().hex
    with transaction.atomic():
        job = JobRun.objects.create(name=_job_name(kind), total=len(participant_ids))
        run = SyncRun.objects.create(
            kind=kind,
            trigger=trigger,
            job_run=job,
            family=family,
            participant=participant,
            requested_by=actor if actor and actor.is_authenticated else None,
            chunk_size=len(participant_ids),
            total=len(participant_ids),
            chunks_total=1,
        )
        chunk = SyncChunk.objects.create(
            run=run,
            index=0,
            participant_ids=participant_ids,
            family_ids=family_ids,
            size=len(participant_ids),
            state=SyncChunk.State.CLAIMED,
            claim_token=token,
            claimed_at=timezone.now(),
            attempts=1,
        )
    own_client = client is None
    client = client or interactive_client()
    try:
        chunk_process(run=run, chunk=chunk, token=token, client=client)
    except RegistryError as exc:
        _chunk_release(chunk=chunk, token=token, error=str(exc))
        _chunk_give_up(run=run, chunk=chunk, error=str(exc))
        run_finish_if_complete(run=run)
        raise RegistryUnavailableError(
            _("Dukcapil cannot be reached right now. Nothing was changed; try again later.")
        ) from exc
    finally:
        if own_client:
            client.close()
    run_finish_if_complete(run=run)
    run.refresh_from_db()
    return run


def family_sync(
    *,
    family: FamilyCard,
    trigger: str,
    actor: User | None = None,
    client: RegistryClient | None = None,
) -> SyncRun:
    """Compare one family (every current member and the KK's member list) now."""
    ids = chunk_participant_ids(participant_ids=[], family_ids=[family.pk])
    return _single_chunk_run(
        kind=SyncRun.Kind.FAMILY,
        trigger=trigger,
        participant_ids=ids,
        family_ids=[family.pk],
        family=family,
        participant=None,
        actor=actor,
        client=client,
    )


def participant_sync(
    *,
    participant: Participant,
    trigger: str = SyncRun.Trigger.REGISTRATION,
    actor: User | None = None,
    client: RegistryClient | None = None,
) -> SyncRun:
    """Compare one person (at registration). A newborn without NIK is found through the
    family's KK, so that case syncs the family."""
    if not participant.nik:
        membership = (
            FamilyMembership.objects.filter(participant=participant, valid_to__isnull=True)
            .select_related("family")
            .first()
        )
        if membership is not None:
            return family_sync(
                family=membership.family, trigger=trigger, actor=actor, client=client
            )
    return _single_chunk_run(
        kind=SyncRun.Kind.PERSON,
        trigger=trigger,
        participant_ids=[participant.pk],
        family_ids=[],
        family=None,
        participant=participant,
        actor=actor,
        client=client,
    )
