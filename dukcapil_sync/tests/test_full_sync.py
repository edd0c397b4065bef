"""The full sync against the real registry over HTTP: chunked, resumable, exactly once under
injected faults, stopped cleanly by an outage, shared by concurrent workers."""

import datetime as dt
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from core.models import JobRun
from dukcapil_sync.client import RegistryClient
from dukcapil_sync.models import (
    Discrepancy,
    ParticipantSyncState,
    SyncChunk,
    SyncRecordError,
    SyncRun,
)
from dukcapil_sync.services import full_sync_start, full_sync_work
from dukcapil_sync.services.runs import run_stalled
from dukcapil_sync.tasks import sync_full, sync_full_resume
from families.models import FamilyCard
from participants.factories import months_ago
from participants.models import Participant
from tests.conftest import make_family


def families(registry, count: int, size: int = 3) -> list[FamilyCard]:
    """`count` families of `size`, mirrored in the registry; in every third family the last
    member's name differs at Dukcapil (a queued difference)."""
    made = []
    for i in range(count):
        family, _head = make_family(size, paid_through=months_ago(0))
        last = family.memberships.order_by("-participant_id").first().participant
        registry.mirror(family, **({last.nik: {"name": f"NAMA LAIN {i}"}} if i % 3 == 0 else {}))
        made.append(family)
    return made


def assert_each_participant_checked_once(run: SyncRun) -> None:
    live = Participant.objects.filter(retired_at__isnull=True).count()
    states = ParticipantSyncState.objects.filter(last_run=run)
    assert states.count() == live == run.total == run.done
    assert set(states.values_list("checks_in_last_run", flat=True)) == {1}
    assert sum(SyncChunk.objects.filter(run=run).values_list("done", flat=True)) == live


@pytest.mark.django_db
def test_full_sync_in_chunks_records_every_difference_once(registry):
    made = families(registry, 6)

    run, created = full_sync_start(trigger="OPERATOR", chunk_size=4)
    full_sync_work(run=run)

    assert created
    run.refresh_from_db()
    # Chunks hold whole families: 4 wanted, so two families of 3 each.
    assert (run.state, run.chunks_total, run.chunks_done) == ("DONE", 3, 3)
    assert_each_participant_checked_once(run)
    assert run.differences == Discrepancy.objects.count() == 2
    job = JobRun.objects.get(pk=run.job_run_id)
    assert (job.name, job.state, job.done, job.total, job.changed) == (
        "dukcapil_sync_full",
        "DONE",
        18,
        18,
        2,
    )
    for chunk in SyncChunk.objects.filter(run=run):
        assert (len(chunk.family_ids), chunk.size) == (2, 6)
    assert {f.pk for f in made} == {
        fid for c in SyncChunk.objects.filter(run=run) for fid in c.family_ids
    }

    # A second run finds the same differences already recorded.
    second, created = full_sync_start(trigger="OPERATOR", chunk_size=4)
    full_sync_work(run=second)
    second.refresh_from_db()
    assert (created, second.state, second.differences) == (True, "DONE", 0)
    assert Discrepancy.objects.count() == 2
    assert_each_participant_checked_once(second)


@pytest.mark.django_db
def test_flaky_slow_registry_every_record_processed_exactly_once(registry):
    families(registry, 8)
    registry.faults(latency_ms=200, error_rate=0.3)

    run, _ = full_sync_start(trigger="OPERATOR", chunk_size=6)
    full_sync_work(run=run)

    run.refresh_from_db()
    assert run.state == "DONE", run.report
    assert (run.total, run.done, run.errors) == (24, 24, 0)
    assert_each_participant_checked_once(run)
    assert Discrepancy.objects.count() == run.differences == 3
    assert SyncChunk.objects.filter(run=run, state="DONE").count() == run.chunks_total == 4


@pytest.mark.django_db
def test_outage_stops_the_run_cleanly_and_the_next_run_resumes(registry):
    families(registry, 6)
    run, _ = full_sync_start(trigger="OPERATOR", chunk_size=3)
    full_sync_work(run=run, max_chunks=2)
    run.refresh_from_db()
    assert (run.state, run.done) == ("RUNNING", 6)

    # When Dukcapil is down.
    registry.faults(outage=True)
    summary = full_sync_work(run=run)

    # Then the run stops and says where and why; nothing half-written.
    run.refresh_from_db()
    assert summary.stopped and (run.state, run.done, run.stops) == ("STOPPED", 6, 1)
    assert "stopped at 6/18: registry unavailable" in run.report
    job = JobRun.objects.get(pk=run.job_run_id)
    assert job.state == "FAILED" and "registry unavailable" in job.error
    assert SyncChunk.objects.filter(run=run, state="PENDING").count() == 4
    assert set(
        SyncChunk.objects.filter(run=run, state="PENDING").values_list("attempts", flat=True)
    ) == {0}
    assert ParticipantSyncState.objects.filter(last_run=run).count() == 6

    # When it is back, the next run resumes the same run from there.
    registry.faults()
    from dukcapil_sync.client import reset_circuit_breakers

    reset_circuit_breakers()  # the breaker's reset timeout, without waiting for it
    resumed, created = full_sync_start(trigger="NIGHTLY")
    assert (resumed.pk, created, resumed.state) == (run.pk, False, "RUNNING")
    full_sync_work(run=resumed)

    resumed.refresh_from_db()
    assert resumed.state == "DONE"
    assert "resumed at 6/18" in resumed.report
    assert_each_participant_checked_once(resumed)
    assert JobRun.objects.get(pk=run.job_run_id).state == "DONE"


@pytest.mark.django_db
def test_an_unusable_registry_record_is_reported_not_fatal(registry):
    (family,) = families(registry, 1)
    member = family.memberships.order_by("participant_id").first().participant
    registry.control(
        {
            "action": "upsert_person",
            "nik": member.nik,
            "name": "X" * 150,
            "birth_place": "JAKARTA",
            "birth_date": member.birth_date.isoformat(),
            "sex": member.sex,
            "address": "-",
        }
    )

    run, _ = full_sync_start(trigger="OPERATOR")
    full_sync_work(run=run)

    run.refresh_from_db()
    assert (run.state, run.done, run.errors) == ("DONE", 3, 1)
    error = SyncRecordError.objects.get(run=run)
    assert (error.participant, error.code) == (member, "REGISTRY_NAME_TOO_LONG")
    assert "150 characters" in error.message


@pytest.mark.django_db
def test_a_chunk_claimed_by_a_dead_worker_is_taken_over_after_the_lease(registry, settings):
    families(registry, 2)
    run, _ = full_sync_start(trigger="OPERATOR", chunk_size=3)
    # A worker claimed chunk 0 and died before committing.
    SyncChunk.objects.filter(run=run, index=0).update(
        state="CLAIMED", claim_token="dead", claimed_at=timezone.now(), attempts=1
    )

    # A worker with nothing else to claim returns at once instead of sleeping on the lease,
    # and says when the lease runs out.
    started = time.monotonic()
    summary = full_sync_work(run=run)
    assert time.monotonic() - started < 10
    run.refresh_from_db()
    assert (run.state, run.done, summary.chunks) == ("RUNNING", 3, 1)  # chunk 0 is leased
    lease = settings.DUKCAPIL_SYNC_LEASE_SECONDS
    assert lease - 10 < summary.leased_for_seconds <= lease

    SyncChunk.objects.filter(run=run, index=0).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=lease + 1)
    )
    result = sync_full_resume(run.pk)

    run.refresh_from_db()
    assert (run.state, result["chunks"], result["resume_in_seconds"]) == ("DONE", 1, None)
    assert_each_participant_checked_once(run)
    assert SyncChunk.objects.get(run=run, index=0).attempts == 2


@pytest.mark.django_db
def test_a_resume_after_the_run_finished_does_nothing(registry):
    families(registry, 1)
    run, _ = full_sync_start(trigger="OPERATOR")
    full_sync_work(run=run)
    run.refresh_from_db()
    assert run.state == "DONE"

    result = sync_full_resume(run.pk)

    assert result == {"sync_run": run.pk, "state": "DONE", "chunks": 0}
    assert SyncRun.objects.count() == 1  # no new run was started


@pytest.mark.django_db
def test_two_starts_share_one_unfinished_run(registry):
    families(registry, 1)
    first, created_first = full_sync_start(trigger="NIGHTLY")
    second, created_second = full_sync_start(trigger="OPERATOR")

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert SyncRun.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_process_a_chunk_twice(registry):
    families(registry, 8, size=2)
    run, _ = full_sync_start(trigger="OPERATOR", chunk_size=2)
    registry.faults(latency_ms=50)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with RegistryClient() as client:
                full_sync_work(run=run, client=client)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    run.refresh_from_db()
    assert run.state == "DONE"
    assert_each_participant_checked_once(run)
    assert run.chunks_done == 8


@pytest.mark.django_db
def test_task_and_command_run_the_full_sync(registry):
    families(registry, 2)

    result = sync_full()
    assert result["state"] == "DONE" and result["done"] == 6

    from io import StringIO

    out = StringIO()
    call_command("dukcapil_sync", "--chunk-size", "3", stdout=out)
    text = out.getvalue()
    assert "full sync #" in text and "started: 6 participants in 2 chunks" in text
    assert "chunk 2/2: 6/6 participants, 0 differences (0 applied), 0 records failed" in text
    assert "DONE: 6/6 participants, 0 new differences" in text

    out = StringIO()
    call_command("dukcapil_sync", "--status", stdout=out)
    assert out.getvalue().count("DONE") == 2


def test_beat_schedules_the_nightly_sync(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-dukcapil-sync"]
    assert entry["task"] == sync_full.name
    assert entry["schedule"].hour == {1} and entry["schedule"].minute == {30}


@pytest.mark.django_db
def test_a_manual_resume_says_what_it_waits_for_then_takes_the_dead_workers_chunk(
    registry, settings
):
    settings.DUKCAPIL_SYNC_LEASE_SECONDS = 3
    families(registry, 2)
    run, _ = full_sync_start(trigger="OPERATOR", chunk_size=3)
    SyncChunk.objects.filter(run=run, index=0).update(
        state="CLAIMED", claim_token="dead", claimed_at=timezone.now(), attempts=1
    )
    out = StringIO()

    call_command("dukcapil_sync", stdout=out)

    lines = out.getvalue().splitlines()
    waiting = [line for line in lines if line.startswith("waiting for other workers")]
    assert waiting, lines
    assert waiting[0].startswith("waiting for other workers: chunk 1 (free in ")
    assert waiting[0].endswith(" s unless renewed)")
    run.refresh_from_db()
    assert (run.state, run.done) == ("DONE", 6)


@pytest.mark.django_db
def test_the_watchdog_leaves_a_run_that_a_worker_holds_and_resumes_an_abandoned_one(
    registry, settings
):
    families(registry, 2)
    run, _ = full_sync_start(trigger="NIGHTLY", chunk_size=3)
    SyncChunk.objects.filter(run=run, index=0).update(
        state="CLAIMED", claim_token="alive", claimed_at=timezone.now(), attempts=1
    )
    assert run_stalled(run=run) is False  # a worker holds a fresh claim: leave it alone

    SyncChunk.objects.filter(run=run, index=0).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=settings.DUKCAPIL_SYNC_LEASE_SECONDS + 1)
    )
    assert run_stalled(run=run) is True

    SyncChunk.objects.filter(run=run).update(state="DONE")
    assert run_stalled(run=run) is False  # nothing left to do
