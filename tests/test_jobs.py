"""Nightly status recompute: chunked, idempotent, and run by a real worker in CI."""

import time

import pytest
from django.db import OperationalError
from django.utils import timezone

from core.models import JobRun
from participants.factories import ParticipantFactory
from participants.models import Participant, StatusChange
from participants.status import month_index, month_start
from participants.tasks import recompute_all_statuses, recompute_all_statuses_run
from payments.tasks import month_end, reactivate


def stale_participants(n: int) -> list[Participant]:
    """Participants recorded AKTIF whose facts say 2 months of arrears (as after month end)."""
    today = timezone.localdate()
    paid = month_start(month_index(today) - 3)
    people = ParticipantFactory.create_batch(n, paid_through=paid)
    Participant.objects.filter(pk__in=[p.pk for p in people]).update(
        status="AKTIF", status_reason="ACTIVE", status_changed_at=timezone.now()
    )
    return people


@pytest.mark.django_db
def test_recompute_changes_stale_statuses_once_in_chunks():
    people = stale_participants(7)
    fine = ParticipantFactory(paid_through=month_start(month_index(timezone.localdate())))
    Participant.objects.filter(pk=fine.pk).update(status_changed_at=timezone.now())

    first = recompute_all_statuses_run(chunk_size=3)
    second = recompute_all_statuses_run(chunk_size=3)

    assert (first.state, first.total, first.done, first.changed) == ("DONE", 8, 8, 7)
    assert (second.done, second.changed) == (8, 0)
    assert set(
        Participant.objects.filter(pk__in=[p.pk for p in people]).values_list(
            "status", "status_reason"
        )
    ) == {("TIDAK_AKTIF", "ARREARS")}
    assert StatusChange.objects.filter(cause="DAILY_RECOMPUTE").count() == 7


def chunk_fails(monkeypatch, *, call: int, error: Exception) -> None:
    """The job's `call`-th chunk raises `error` (a killed worker, a deadlock victim)."""
    from participants import tasks

    real = tasks.participants_refresh_statuses
    calls = {"n": 0}

    def refresh(**kwargs):
        calls["n"] += 1
        if calls["n"] == call:
            raise error
        return real(**kwargs)

    monkeypatch.setattr(tasks, "participants_refresh_statuses", refresh)


@pytest.mark.django_db
def test_recompute_resumes_after_a_run_killed_midway(monkeypatch):
    stale_participants(6)
    chunk_fails(monkeypatch, call=2, error=RuntimeError("worker killed"))

    with pytest.raises(RuntimeError):
        recompute_all_statuses_run(chunk_size=3)
    failed = JobRun.objects.get()
    assert (failed.state, failed.done, failed.changed) == ("FAILED", 3, 3)
    assert "worker killed" in failed.error

    monkeypatch.undo()
    rerun = recompute_all_statuses_run(chunk_size=3)
    assert (rerun.done, rerun.changed) == (6, 3)
    assert StatusChange.objects.count() == 6  # each participant changed exactly once


@pytest.mark.django_db
def test_recompute_task_runs_again_after_a_deadlock_like_the_payment_tasks(monkeypatch):
    # Given PostgreSQL picks the nightly job's first chunk as a deadlock victim.
    stale_participants(3)
    chunk_fails(monkeypatch, call=1, error=OperationalError("deadlock detected"))

    # When the task runs (here, not on a worker: apply() runs its retries here too).
    result = recompute_all_statuses.apply(throw=False)

    # Then it ran again and finished the work; the failed attempt is on record.
    assert result.successful() and result.get()["changed"] == 3
    assert list(JobRun.objects.order_by("pk").values_list("state", "done", "changed")) == [
        ("FAILED", 0, 0),
        ("DONE", 3, 3),
    ]
    policy = ("autoretry_for", "retry_backoff", "retry_backoff_max", "max_retries", "acks_late")
    for task in (reactivate, month_end):
        assert {k: getattr(recompute_all_statuses, k) for k in policy} == {
            k: getattr(task, k) for k in policy
        }


@pytest.mark.worker
@pytest.mark.postgres
def test_recompute_task_runs_on_a_real_worker(celery_worker_process):
    people = stale_participants(5)

    recompute_all_statuses.apply_async(queue=celery_worker_process)
    run = wait_for_job(count=1)
    assert (run.state, run.done, run.changed) == ("DONE", 5, 5)
    assert set(
        Participant.objects.filter(pk__in=[p.pk for p in people]).values_list("status", flat=True)
    ) == {"TIDAK_AKTIF"}

    # Delivered again (a retry or a duplicate message): nothing new.
    recompute_all_statuses.apply_async(queue=celery_worker_process)
    again = wait_for_job(count=2)
    assert (again.done, again.changed) == (5, 0)
    assert StatusChange.objects.count() == 5


def wait_for_job(*, count: int, timeout: float = 60) -> JobRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = JobRun.objects.filter(name="status_recompute").exclude(state="RUNNING")
        if runs.count() >= count:
            return runs.order_by("-started_at", "-pk")[0]
        time.sleep(0.2)
    raise AssertionError(f"worker did not finish {count} run(s) in {timeout}s")


def test_beat_schedules_the_nightly_recompute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-status-recompute"]
    assert entry["task"] == recompute_all_statuses.name
    assert entry["schedule"].hour == {0} and entry["schedule"].minute == {30}
