"""Per-person sync (at registration) and the tasks other apps enqueue."""

import pytest
from django.utils import timezone

from core.factories import StaffUserFactory
from dukcapil_sync.models import Discrepancy, SyncRun
from dukcapil_sync.services import participant_sync
from dukcapil_sync.tasks import enqueue_family_sync, sync_family, sync_participant
from participants.factories import months_ago
from tests.conftest import make_family

from .conftest import add_member

pytestmark = pytest.mark.django_db


def test_person_sync_checks_one_participant(registry):
    family, head = make_family(2, paid_through=months_ago(0))
    registry.mirror(family, **{head.nik: {"sex": "P"}})

    run = participant_sync(participant=head)

    assert (run.kind, run.trigger, run.total, run.done, run.differences) == (
        "PERSON",
        "REGISTRATION",
        1,
        1,
        1,
    )
    assert Discrepancy.objects.get().kind == "SEX"
    assert sync_participant(head.pk) is not None


def test_person_sync_of_a_newborn_without_nik_syncs_the_family(registry):
    family, _head = make_family(2, paid_through=months_ago(0))
    registry.mirror(family)
    baby = add_member(family, name="Bayi", birth_date=timezone.localdate(), nik=None)

    run = participant_sync(participant=baby)

    assert (run.kind, run.family, run.total) == ("FAMILY", family, 3)


def test_family_sync_task_is_enqueued_on_commit(registry, django_capture_on_commit_callbacks):
    family, _head = make_family(2, paid_through=months_ago(0))
    registry.mirror(family)
    staff = StaffUserFactory(branch=family.branch)

    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_family_sync(family=family, actor=staff)
    assert len(callbacks) == 1
    assert not SyncRun.objects.exists()

    run_id = sync_family(family.pk, staff.pk)

    run = SyncRun.objects.get(pk=run_id)
    assert (run.kind, run.trigger, run.requested_by, run.state) == (
        "FAMILY",
        "STAFF",
        staff,
        "DONE",
    )


def test_tasks_report_an_unavailable_registry_without_failing(registry):
    family, head = make_family(1, paid_through=months_ago(0))
    registry.faults(outage=True)

    assert sync_family(family.pk) is None
    assert sync_participant(head.pk) is None
    assert set(SyncRun.objects.values_list("state", flat=True)) == {"FAILED"}
