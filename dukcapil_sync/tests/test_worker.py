"""A real Celery worker on Redis against PostgreSQL runs the full sync; it is killed with
SIGKILL in the middle of the run and another worker finishes it: no participant is lost and
none is processed twice (counted per participant and per chunk)."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from dukcapil_sync.models import Discrepancy, ParticipantSyncState, SyncChunk, SyncRun
from dukcapil_sync.services import full_sync_start
from dukcapil_sync.tasks import sync_full
from participants.models import Participant

from .conftest import API_KEY
from .test_full_sync import families

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 2


def start_worker(queue: str, registry_url: str) -> subprocess.Popen[str]:
    db = django_settings.DATABASES["default"]
    port = db["PORT"] or 5432
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{port}/{db['NAME']}",
            "CELERY_BROKER_URL": os.environ["TEST_CELERY_BROKER_URL"],
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "DJANGO_SETTINGS_MODULE": "jkn_portal.settings",
            "DUKCAPIL_URL": registry_url,
            "DUKCAPIL_API_KEY": API_KEY,
            "DUKCAPIL_SYNC_LEASE_SECONDS": str(LEASE_SECONDS),
            "DUKCAPIL_BACKOFF_SECONDS": "0.01",
        }
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jkn_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"{queue}-{uuid.uuid4().hex[:4]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    log: list[str] = []
    deadline = time.monotonic() + 60
    for line in process.stdout:
        log.append(line)
        if "ready." in line:
            break
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("worker did not start:\n" + "".join(log))
    threading.Thread(target=lambda: log.extend(process.stdout or []), daemon=True).start()
    return process


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
