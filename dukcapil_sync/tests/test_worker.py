"""A real Celery worker on Redis against PostgreSQL runs the full sync; it is killed with
SIGKILL in the middle of the run and another worker finishes it: no participant is lost and
none is processed twice (counted per participant and per chunk)."""

import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from dukcapil_sync.models import Discrepancy, ParticipantSyncState, SyncChunk, SyncRun
from dukcapil_sync.services import full_sync_start
from dukcapil_sync.tasks import sync_full
from participants.models import Participant
from tests.workers import start_celery_worker

from .conftest import API_KEY
from .test_full_sync import families

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2


def start_worker(queue: str, registry_url: str) -> subprocess.Popen[str]:
    proc, _log = start_celery_worker(
        queue,
        {
            "DUKCAPIL_URL": registry_url,
            "DUKCAPIL_API_KEY": API_KEY,
            "DUKCAPIL_SYNC_LEASE_SECONDS": str(LEASE_SECONDS),
            "DUKCAPIL_BACKOFF_SECONDS": "0.01",
        },
    )
    return proc


def wait_until(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_run_then_restarted_loses_and_repeats_nothing(registry):
    families(registry, 12, size=2)
    registry.faults(latency_ms=150)
    run, _ = full_sync_start(trigger="NIGHTLY", chunk_size=2)
    queue = f"test-sync-{uuid.uuid4().hex[:8]}"
    workers: list[subprocess.Popen[str]] = []
    try:
        # Given a worker running the nightly sync.
        workers.append(start_worker(queue, registry.url))
        sync_full.apply_async(queue=queue)
        wait_until(
            lambda: SyncRun.objects.get(pk=run.pk).done >= 6, timeout=60, what="3 chunks done"
        )

        # When it is killed without warning in the middle of the run.
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        run.refresh_from_db()
        assert run.state == "RUNNING" and 6 <= run.done < 24
        # The chunk it was working on stays claimed (its transaction never committed).
        in_flight = list(
            SyncChunk.objects.filter(run=run, state="CLAIMED").values_list("index", flat=True)
        )

        # And another worker takes the run up (the next delivery of the task).
        workers.append(start_worker(queue, registry.url))
        sync_full.apply_async(queue=queue)
        wait_until(
            lambda: SyncRun.objects.get(pk=run.pk).state != "RUNNING",
            timeout=90,
            what="the run to finish",
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()

    # Then every participant was processed exactly once, and each chunk counted once.
    run.refresh_from_db()
    assert (run.state, run.total, run.done, run.chunks_done) == ("DONE", 24, 24, 12)
    states = ParticipantSyncState.objects.filter(last_run=run)
    assert states.count() == Participant.objects.count() == 24
    assert set(states.values_list("checks_in_last_run", flat=True)) == {1}
    assert sum(SyncChunk.objects.filter(run=run).values_list("done", flat=True)) == 24
    assert set(SyncChunk.objects.filter(run=run).values_list("state", flat=True)) == {"DONE"}
    assert Discrepancy.objects.count() == run.differences == 4
    for index in in_flight:
        # Taken over after its lease: a second attempt, counted once.
        assert SyncChunk.objects.get(run=run, index=index).attempts == 2
