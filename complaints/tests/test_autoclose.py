"""The 5-day rule: a complaint in PENANGANAN with no participant reply for 5 days after the
branch's last reply is CLOSED by the job, at the deadline the replies set, exactly once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import JobRun

from ..models import Complaint, ComplaintStatus, Reply
from ..services import (
    complaint_reply_as_branch,
    complaint_reply_as_participant,
    complaints_autoclose,
)
from ..tasks import autoclose_complaints
from .conftest import FILED_AT, file_complaint

pytestmark = pytest.mark.django_db

ANSWERED_AT = FILED_AT + timedelta(hours=3)
DEADLINE = ANSWERED_AT + timedelta(days=5)


@pytest.fixture
def answered(family_a, staff_a):
    complaint = file_complaint(family_a)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Kami cek.", now=ANSWERED_AT)
    return complaint


def test_one_second_before_five_days_it_stays_open(answered):
    result = complaints_autoclose(now=DEADLINE - timedelta(seconds=1))
    answered.refresh_from_db()
    assert result.closed == []
    assert answered.status == ComplaintStatus.PENANGANAN


def test_at_five_days_it_closes_with_a_note_dated_at_the_deadline(answered):
    result = complaints_autoclose(now=DEADLINE)
    answered.refresh_from_db()
    assert result.closed == [answered.pk]
    assert answered.status == ComplaintStatus.CLOSED
    assert answered.closed_at == DEADLINE
    note = answered.replies.last()
    assert (note.side, note.event, note.created_at) == ("SYSTEM", "AUTO_CLOSED", DEADLINE)


def test_the_close_time_comes_from_the_replies_not_from_when_the_job_runs(answered):
    late_run = DEADLINE + timedelta(days=3, hours=7)
    complaints_autoclose(now=late_run)
    answered.refresh_from_db()
    assert answered.closed_at == DEADLINE


def test_running_twice_closes_once_and_writes_one_note(answered):
    complaints_autoclose(now=DEADLINE)
    second = complaints_autoclose(now=DEADLINE + timedelta(days=1))
    assert second.closed == []
    assert Reply.objects.filter(complaint=answered, event="AUTO_CLOSED").count() == 1


def test_a_participant_reply_after_the_branch_keeps_it_open(family_a, answered):
    _family, head = family_a
    complaint_reply_as_participant(
        complaint=answered,
        actor=head.user,
        text="Sudah saya kirim.",
        now=DEADLINE - timedelta(hours=1),
    )
    complaints_autoclose(now=DEADLINE + timedelta(days=30))
    answered.refresh_from_db()
    assert answered.status == ComplaintStatus.PENANGANAN


def test_a_new_branch_reply_restarts_the_five_days(family_a, staff_a, answered):
    _family, head = family_a
    complaint_reply_as_participant(
        complaint=answered,
        actor=head.user,
        text="Masih salah.",
        now=ANSWERED_AT + timedelta(days=1),
    )
    again = ANSWERED_AT + timedelta(days=2)
    complaint_reply_as_branch(complaint=answered, actor=staff_a, text="Coba lagi.", now=again)

    assert complaints_autoclose(now=again + timedelta(days=5) - timedelta(seconds=1)).closed == []
    assert complaints_autoclose(now=again + timedelta(days=5)).closed == [answered.pk]
    answered.refresh_from_db()
    assert answered.closed_at == again + timedelta(days=5)


def test_open_and_finished_complaints_are_left_alone(family_a, answered):
    untouched = file_complaint(family_a, subject="Belum dijawab")
    complaints_autoclose(now=FILED_AT + timedelta(days=60))
    untouched.refresh_from_db()
    assert untouched.status == ComplaintStatus.OPEN
    assert Complaint.objects.filter(status=ComplaintStatus.CLOSED).count() == 1


def test_the_task_closes_what_is_due_now_and_records_a_job_run(family_a, staff_a):
    answered_at = timezone.now() - timedelta(days=5, minutes=1)
    complaint = file_complaint(family_a, now=answered_at - timedelta(hours=1))
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Kami cek.", now=answered_at)

    assert autoclose_complaints() == 1
    assert autoclose_complaints() == 0
    run = JobRun.objects.get(name="complaints_autoclose")
    assert (run.state, run.done) == ("DONE", 1)
    complaint.refresh_from_db()
    assert complaint.closed_at == answered_at + timedelta(days=5)
