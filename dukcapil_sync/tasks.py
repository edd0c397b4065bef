"""Thin Celery tasks over dukcapil_sync.services (STYLE.md 7).

`sync_full` is idempotent (it joins or resumes the unfinished run, and a chunk is counted
once), so it is acks_late: a worker killed mid-run leaves the message to be delivered again,
and whoever runs it next resumes. Send it several times to have several workers share a run.
"""

import logging
import math

from celery import Task, shared_task
from django.db import transaction

from core.models import User
from families.models import FamilyCard
from participants.models import Participant

from .models import SyncRun
from .services import family_sync, full_sync_start, full_sync_work, participant_sync
from .services.runs import RegistryUnavailableError

logger = logging.getLogger(__name__)


# A worker stops taking chunks after this long and leaves the rest to the next run (the hard
# limit is a margin above it, for the chunk in hand).
FULL_SYNC_WORK_SECONDS = 3 * 3600


_FULL_SYNC_TASK = {
    "bind": True,
    "acks_late": True,
    "soft_time_limit": FULL_SYNC_WORK_SECONDS + 600,
    "time_limit": FULL_SYNC_WORK_SECONDS + 900,
}


@shared_task(name="dukcapil_sync.tasks.sync_full", **_FULL_SYNC_TASK)
def sync_full(self: Task, trigger: str = SyncRun.Trigger.NIGHTLY) -> dict[str, object]:
    run, created = full_sync_start(trigger=trigger)
    return {**_work(self, run), "created": created}


@shared_task(name="dukcapil_sync.tasks.sync_full_resume", **_FULL_SYNC_TASK)
def sync_full_resume(self: Task, run_id: int) -> dict[str, object]:
    """Back on `run_id` when a lease ran out: takes over a chunk whose worker died. Does
    nothing if the run has finished meanwhile (never starts a new run)."""
    run = SyncRun.objects.get(pk=run_id)
    if run.state != SyncRun.State.RUNNING:
        return {"sync_run": run.pk, "state": run.state, "chunks": 0}
    return _work(self, run)


def _work(task: Task, run: SyncRun) -> dict[str, object]:
    """Work on the run until nothing is left to claim, then return the worker to the pool.
    If others still hold chunks, come back (on the same queue) when the first lease runs
    out: a live worker will have finished by then, a dead one's chunk is taken over."""
    summary = full_sync_work(run=run, max_seconds=FULL_SYNC_WORK_SECONDS)
    # In-process (no broker) a countdown is not honoured: the next run resumes instead.
    if summary.leased_for_seconds is not None and not task.app.conf.task_always_eager:
        queue = (task.request.delivery_info or {}).get("routing_key") or None
        sync_full_resume.apply_async(
            (run.pk,), countdown=math.ceil(summary.leased_for_seconds) + 1, queue=queue
        )
    return {
        "sync_run": run.pk,
        "state": run.state,
        "chunks": summary.chunks,
        "done": run.done,
        "total": run.total,
        "resume_in_seconds": summary.leased_for_seconds,
    }


@shared_task(name="dukcapil_sync.tasks.sync_family", time_limit=120)
def sync_family(family_id: int, actor_id: int | None = None, trigger: str = "STAFF") -> int | None:
    """For other apps (a complaint asking for a re-sync): enqueue with
    `transaction.on_commit(lambda: sync_family.delay(family.pk, user.pk))`."""
    family = FamilyCard.objects.filter(pk=family_id).first()
    if family is None:
        return None
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return family_sync(family=family, trigger=trigger, actor=actor).pk
    except RegistryUnavailableError:
        logger.warning("family %s: registry unavailable, sync not done", family_id)
        return None


@shared_task(name="dukcapil_sync.tasks.sync_participant", time_limit=120)
def sync_participant(participant_id: int) -> int | None:
    """At registration: `transaction.on_commit(lambda: sync_participant.delay(p.pk))`."""
    participant = Participant.objects.filter(pk=participant_id).first()
    if participant is None:
        return None
    try:
        return participant_sync(participant=participant).pk
    except RegistryUnavailableError:
        logger.warning("participant %s: registry unavailable, sync not done", participant_id)
        return None


def enqueue_family_sync(*, family: FamilyCard, actor: User | None) -> None:
    actor_id = actor.pk if actor else None
    transaction.on_commit(lambda: sync_family.delay(family.pk, actor_id))
