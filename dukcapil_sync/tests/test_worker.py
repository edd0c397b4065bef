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
from dukcapil_sync.tasks import sync_full, sync_watchdog
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


def stop(workers: list[subprocess.Popen[str]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()


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
        stop(workers)

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


@pytest.mark.worker
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_with_production_settings_is_replaced_within_minutes(registry, settings):
    """No shortened lease: the production defaults (60 s lease renewed while a chunk is
    worked on, the watchdog that beat sends every minute). The killed worker's message would
    come back only after the broker's visibility timeout (40 min): the watchdog does not wait."""
    assert settings.DUKCAPIL_SYNC_LEASE_SECONDS == 60
    families(registry, 12, size=2)
    registry.faults(latency_ms=250)
    run, _ = full_sync_start(trigger="NIGHTLY", chunk_size=2)
    queue = f"test-sync-{uuid.uuid4().hex[:8]}"
    env = {"DUKCAPIL_URL": registry.url, "DUKCAPIL_API_KEY": API_KEY}
    workers: list[subprocess.Popen[str]] = []
    try:
        workers.append(start_celery_worker(queue, env)[0])
        sync_full.apply_async(queue=queue)
        wait_until(
            lambda: SyncRun.objects.get(pk=run.pk).done >= 4, timeout=60, what="2 chunks done"
        )
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(timeout=10)
        killed_at = time.monotonic()
        assert SyncRun.objects.get(pk=run.pk).state == "RUNNING"

        # Another worker is up, idle: nothing gives it the run until the watchdog does.
        workers.append(start_celery_worker(queue, env)[0])
        done_at_kill = SyncRun.objects.get(pk=run.pk).done
        time.sleep(3)
        assert SyncRun.objects.get(pk=run.pk).done == done_at_kill  # nobody took it up
        while time.monotonic() - killed_at < 180:
            if SyncRun.objects.get(pk=run.pk).state != "RUNNING":
                break
            # What beat does every minute (sent more often here, to finish sooner).
            sync_watchdog.apply_async(queue=queue)
            time.sleep(5)
        took = time.monotonic() - killed_at
    finally:
        stop(workers)

    run.refresh_from_db()
    assert (run.state, run.done, run.chunks_done) == ("DONE", 24, 12)
    assert set(
        ParticipantSyncState.objects.filter(last_run=run).values_list(
            "checks_in_last_run", flat=True
        )
    ) == {1}
    assert took < 180, f"the run finished {took:.0f} s after the kill"
