"""Claiming a chunk (conditional UPDATE + row count), processing it (registry first, then one
transaction that records the results and marks it DONE), giving it back or up, and closing
the run when no chunk is left."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import JobRun

from ...client import (
    FamilyCardBatch,
    RegistryClient,
)
from ...models import SyncChunk, SyncRun
from ..reconcile import (
    ChunkResult,
    RegistryAnswers,
    chunk_registry_keys,
    reconcile,
)
from .common import ClaimLost, _note

logger = logging.getLogger(__name__)


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


@contextmanager
def chunk_lease_kept(*, chunk: SyncChunk, token: str) -> Iterator[None]:
    """While the chunk is processed, renew its claim every third of the lease, so a live worker
    never loses a slow chunk, and the lease can be short: a worker killed with SIGKILL stops
    renewing, and its chunk is claimable again one lease later (DUKCAPIL_SYNC_LEASE_SECONDS,
    default 60 s) instead of after the longest a chunk could take."""
    interval = max(settings.DUKCAPIL_SYNC_LEASE_SECONDS / 3, 0.5)
    finished = threading.Event()

    def renew() -> None:
        try:
            while not finished.wait(interval):
                SyncChunk.objects.filter(
                    pk=chunk.pk, state=SyncChunk.State.CLAIMED, claim_token=token
                ).update(claimed_at=timezone.now())
        finally:
            connection.close()  # this thread's own connection

    keeper = threading.Thread(target=renew, name=f"lease-chunk-{chunk.pk}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        finished.set()
        keeper.join()


def run_stalled(*, run: SyncRun) -> bool:
    """Work is left that no live worker holds: chunks PENDING, or CLAIMED by a worker whose
    lease ran out (it died), and no chunk claimed within the lease (nobody is at it)."""
    fresh = timezone.now() - timedelta(seconds=settings.DUKCAPIL_SYNC_LEASE_SECONDS)
    chunks = SyncChunk.objects.filter(run=run)
    if chunks.filter(state=SyncChunk.State.CLAIMED, claimed_at__gte=fresh).exists():
        return False
    return chunks.filter(
        Q(state=SyncChunk.State.PENDING) | Q(state=SyncChunk.State.CLAIMED, claimed_at__lt=fresh)
    ).exists()


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
