"""Thin Celery tasks over dukcapil_sync.services (STYLE.md 7).

`sync_full` is idempotent (it joins or resumes the unfinished run, and a chunk is counted
once), so it is acks_late: a worker killed mid-run leaves the message to be delivered again,
and whoever runs it next resumes. Send it several times to have several workers share a run.
Recovery does not wait for that redelivery: `sync_watchdog` (beat, every minute) resumes a run
that nobody works on once the dead worker's lease has run out.
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
from .services.runs import RegistryUnavailableError, run_stalled

logger = logging.getLogger(__name__)


# A worker stops taking chunks after this long and hands the rest to a fresh task (the
# continuation below), so every task ends well inside its time limit and the broker's
# visibility timeout (settings: CELERY_BROKER_TRANSPORT_OPTIONS) can exceed every time limit:
# Redis then never hands a task that is still running to a second worker.
FULL_SYNC_WORK_SECONDS = 15 * 60


_FULL_SYNC_TASK = {
    "bind": True,
    "acks_late": True,
    "soft_time_limit": FULL_SYNC_WORK_SECONDS + 300,
    "time_limit": FULL_SYNC_WORK_SECONDS + 600,
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
    """Work on the run until nothing is left to claim or the task's time is up, then return
    the worker to the pool. Chunks left that nobody holds (time up): continue in a new task
    at once. Others still hold chunks: come back (on the same queue) when the first lease runs
    out: a live worker will have finished by then, a dead one's chunk is taken over."""
    # One progress line per chunk in the worker's log.
    summary = full_sync_work(run=run, max_seconds=FULL_SYNC_WORK_SECONDS, log=logger.info)
    # In-process (no broker) a countdown is not honoured: the next run resumes instead.
    if run.state == SyncRun.State.RUNNING and not task.app.conf.task_always_eager:
        queue = (task.request.delivery_info or {}).get("routing_key") or None
        if run_stalled(run=run):
            sync_full_resume.apply_async((run.pk,), queue=queue)
        elif summary.leased_for_seconds is not None:
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


@shared_task(name="dukcapil_sync.tasks.sync_watchdog", bind=True, soft_time_limit=50, time_limit=60)
def sync_watchdog(self: Task) -> dict[str, object]:
    """Beat, every minute: a full run that nobody works on (its worker was killed, or its
    message lost) is handed to the workers again, on the queue this task came from."""
    run = SyncRun.objects.filter(kind=SyncRun.Kind.FULL, state=SyncRun.State.RUNNING).first()
    if run is None or not run_stalled(run=run):
        return {"sync_run": run.pk if run else None, "resumed": False}
    logger.warning(
        "full sync #%s stalled at %s/%s participants: handed to the workers again",
        run.pk,
        run.done,
        run.total,
    )
    queue = (self.request.delivery_info or {}).get("routing_key") or None
    sync_full_resume.apply_async((run.pk,), queue=queue)
    return {"sync_run": run.pk, "resumed": True}


@shared_task(name="dukcapil_sync.tasks.sync_family", soft_time_limit=100, time_limit=120)
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


@shared_task(name="dukcapil_sync.tasks.sync_participant", soft_time_limit=100, time_limit=120)
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
