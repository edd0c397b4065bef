"""Every transition and refusal of the complaint flow (DESIGN.md 4.7), through the services."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError, ValidationFailed

from ..models import Complaint, ComplaintStatus, Reply
from ..services import (
    complaint_delete,
    complaint_file,
    complaint_mark_done,
    complaint_reply_as_branch,
    complaint_reply_as_participant,
    complaint_trigger_resync,
)
from .conftest import FILED_AT, PNG, file_complaint

pytestmark = pytest.mark.django_db


def test_filing_opens_a_complaint_in_the_familys_branch(family_a):
    family, head = family_a
    complaint = file_complaint(family_a, member_index=1, category="INFORMASI")

    assert complaint.status == ComplaintStatus.OPEN
    assert complaint.branch_id == family.branch_id
    assert complaint.family_id == family.pk
    assert complaint.participant == family.memberships.order_by("-is_main", "id")[1].participant
    assert complaint.filed_by == head.user
    assert complaint.category == "INFORMASI"
    assert complaint.created_at == FILED_AT
    assert complaint.replies.count() == 0


def test_a_member_of_another_family_is_refused_and_nothing_is_filed(family_a, family_b):
    _family, head = family_a
    stranger = family_b[1]
    with pytest.raises(ValidationFailed) as refused:
        complaint_file(
            filed_by=head.user, member=stranger, category="KELUHAN", subject="x", text="y"
        )
    assert list(refused.value.fields) == ["participant"]
    assert Complaint.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "PROTES"}, "category"),
        ({"subject": "   "}, "subject"),
        ({"text": ""}, "text"),
        ({"subject": "x" * 121}, "subject"),
    ],
)
def test_bad_input_names_the_field_and_files_nothing(family_a, values, field):
    with pytest.raises(ValidationFailed) as refused:
        file_complaint(family_a, **values)
    assert list(refused.value.fields) == [field]
    assert Complaint.objects.count() == 0


def test_branch_reply_moves_open_to_handling_and_keeps_both_times(family_a, staff_a):
    complaint = file_complaint(family_a)
    first = FILED_AT + timedelta(hours=5)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Kami cek.", now=first)
    second = first + timedelta(days=1)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Sudah.", now=second)

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PENANGANAN
    assert complaint.first_branch_reply_at == first
    assert complaint.last_branch_reply_at == second
    assert list(complaint.replies.values_list("side", "text")) == [
        ("BRANCH", "Kami cek."),
        ("BRANCH", "Sudah."),
    ]


def test_participant_reply_in_handling_is_recorded(family_a, staff_a):
    _family, head = family_a
    complaint = file_complaint(family_a)
    complaint_reply_as_branch(
        complaint=complaint, actor=staff_a, text="Kirim KK.", now=FILED_AT + timedelta(hours=1)
    )
    at = FILED_AT + timedelta(days=2)
    complaint_reply_as_participant(complaint=complaint, actor=head.user, text="Terlampir.", now=at)

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PENANGANAN
    assert complaint.last_participant_reply_at == at
    assert complaint.replies.last().side == Reply.Side.PARTICIPANT


def test_participant_cannot_reply_before_the_branch_answers(family_a):
    _family, head = family_a
    complaint = file_complaint(family_a)
    with pytest.raises(DomainError) as refused:
        complaint_reply_as_participant(complaint=complaint, actor=head.user, text="Halo?")
    assert refused.value.code == "COMPLAINT_NOT_IN_HANDLING"
    assert refused.value.http_status == 409
    assert complaint.replies.count() == 0


def test_open_complaint_can_be_deleted_with_its_attachment(
    family_a, settings, django_capture_on_commit_callbacks
):
    _family, head = family_a
    upload = SimpleUploadedFile("kk.png", PNG, content_type="image/png")
    complaint = file_complaint(family_a, attachment=upload)
    stored = settings.COMPLAINT_ATTACHMENTS_DIR / complaint.attachment.name
    assert stored.read_bytes() == PNG

    with django_capture_on_commit_callbacks(execute=True):
        complaint_delete(complaint=complaint, actor=head.user)
    assert not Complaint.objects.filter(pk=complaint.pk).exists()
    assert not stored.exists()


def test_handled_complaint_cannot_be_deleted(family_a, staff_a):
    _family, head = family_a
    complaint = file_complaint(family_a)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Kami cek.")
    with pytest.raises(DomainError) as refused:
        complaint_delete(complaint=complaint, actor=head.user)
    assert refused.value.code == "COMPLAINT_NOT_OPEN"
    assert Complaint.objects.get(pk=complaint.pk).status == ComplaintStatus.PENANGANAN


def test_mark_done_only_while_handling(family_a, staff_a):
    _family, head = family_a
    complaint = file_complaint(family_a)
    with pytest.raises(DomainError) as refused:
        complaint_mark_done(complaint=complaint, actor=head.user)
    assert refused.value.code == "COMPLAINT_NOT_IN_HANDLING"

    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Sudah aktif.")
    done_at = FILED_AT + timedelta(days=1)
    complaint_mark_done(complaint=complaint, actor=head.user, now=done_at)
    complaint.refresh_from_db()
    assert (complaint.status, complaint.closed_at) == (ComplaintStatus.SELESAI, done_at)


@pytest.mark.parametrize("finish", ["done", "closed"])
def test_a_finished_complaint_takes_no_more_replies_and_cannot_be_deleted(
    family_a, staff_a, finish
):
    _family, head = family_a
    complaint = file_complaint(family_a)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Sudah aktif.")
    if finish == "done":
        complaint_mark_done(complaint=complaint, actor=head.user)
    else:
        Complaint.objects.filter(pk=complaint.pk).update(
            status=ComplaintStatus.CLOSED, closed_at=FILED_AT
        )
    replies = complaint.replies.count()

    with pytest.raises(DomainError) as branch:
        complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Tambahan")
    with pytest.raises(DomainError) as participant:
        complaint_reply_as_participant(complaint=complaint, actor=head.user, text="Lagi")
    with pytest.raises(DomainError) as delete:
        complaint_delete(complaint=complaint, actor=head.user)
    with pytest.raises(DomainError) as done_again:
        complaint_mark_done(complaint=complaint, actor=head.user)

    assert branch.value.code == "COMPLAINT_FINISHED"
    assert participant.value.code == "COMPLAINT_NOT_IN_HANDLING"
    assert delete.value.code == "COMPLAINT_NOT_OPEN"
    assert done_again.value.code == "COMPLAINT_NOT_IN_HANDLING"
    assert complaint.replies.count() == replies


def test_staff_resync_queues_the_familys_sync_after_commit(
    family_a, staff_a, django_capture_on_commit_callbacks, queued_family_syncs
):
    family, _head = family_a
    complaint = file_complaint(family_a, resync_requested=True)
    sent = queued_family_syncs
    with django_capture_on_commit_callbacks(execute=True):
        complaint_trigger_resync(complaint=complaint, actor=staff_a)

    complaint.refresh_from_db()
    assert sent == [(family.pk, staff_a.pk)]
    assert complaint.resync_triggered_at is not None
    note = complaint.replies.get()
    assert (note.side, note.event) == ("SYSTEM", "RESYNC")
    assert (
        note.display_text
        == "Kantor cabang memulai sinkronisasi ulang data keluarga dengan Dukcapil."
    )


def test_same_idempotency_key_files_once(family_a):
    first = file_complaint(family_a, client_key="abc-1")
    again = file_complaint(family_a, client_key="abc-1", subject="lain")
    assert again.pk == first.pk
    assert Complaint.objects.count() == 1
