"""Complaints API: the flow over HTTP, bad input, and the access matrix (a foreign participant,
another branch's staff, a facility and no token) for every object endpoint."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.factories import FacilityUserFactory
from tests.conftest import bearer

from ..models import Complaint, ComplaintStatus
from ..services import complaint_reply_as_branch
from .conftest import FILED_AT, PDF, PNG, file_complaint, member_of, staff_of

pytestmark = pytest.mark.django_db


def test_participant_files_lists_and_reads_a_complaint(family_a):
    family, head = family_a
    client = bearer(head.user)
    member = member_of(family, 1)
    created = client.post(
        "/api/v1/complaints/",
        {
            "participant": member.card_number,
            "category": "KELUHAN",
            "subject": "Status tidak sesuai",
            "text": "Sudah bayar, tetap tidak aktif.",
            "resync_requested": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "OPEN"
    assert body["participant"] == {"card_number": member.card_number, "name": member.name}
    assert body["branch"] == family.branch.name
    assert (body["resync_requested"], body["can_delete"], body["can_reply"]) == (True, True, False)
    assert body["replies"] == []

    listed = client.get("/api/v1/complaints/").json()
    assert listed["count"] == 1
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert (
        client.get(f"/api/v1/complaints/{body['id']}/").json()["subject"] == "Status tidak sesuai"
    )


def test_a_retried_create_with_the_same_idempotency_key_files_once(family_a):
    family, head = family_a
    client = bearer(head.user)
    payload = {
        "participant": member_of(family).card_number,
        "category": "INFORMASI",
        "subject": "Cara pindah FKTP",
        "text": "Bagaimana caranya?",
    }
    first = client.post("/api/v1/complaints/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/complaints/", payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "PROTES"}, "category"),
        ({"subject": ""}, "subject"),
        ({"text": "x" * 4001}, "text"),
        ({"participant": "12"}, "participant"),
        ({"participant": "9999999999999"}, "participant"),
    ],
)
def test_bad_input_is_400_with_the_field_and_nothing_filed(family_a, change, field):
    family, head = family_a
    payload = {
        "participant": member_of(family).card_number,
        "category": "KELUHAN",
        "subject": "s",
        "text": "t",
        **change,
    }
    response = bearer(head.user).post("/api/v1/complaints/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert list(body["fields"]) == [field]
    assert Complaint.objects.count() == 0


def test_a_member_of_another_family_is_a_field_error(family_a, family_b):
    _family, head = family_a
    stranger = member_of(family_b[0])
    response = bearer(head.user).post(
        "/api/v1/complaints/",
        {"participant": stranger.card_number, "category": "KELUHAN", "subject": "s", "text": "t"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["participant"]
    assert Complaint.objects.count() == 0


def test_attachment_by_multipart_checked_by_content(family_a):
    family, head = family_a
    client = bearer(head.user)
    payload = {
        "participant": member_of(family).card_number,
        "category": "KELUHAN",
        "subject": "Bukti bayar",
        "text": "Terlampir.",
    }
    # A script renamed to .pdf and sent as application/pdf is still refused.
    fake = SimpleUploadedFile("bukti.pdf", b"<script>alert(1)</script>", "application/pdf")
    refused = client.post(
        "/api/v1/complaints/", {**payload, "attachment": fake}, format="multipart"
    )
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["attachment"]
    assert Complaint.objects.count() == 0

    real = SimpleUploadedFile("bukti.pdf", PDF, "application/octet-stream")
    created = client.post(
        "/api/v1/complaints/", {**payload, "attachment": real}, format="multipart"
    )
    assert created.status_code == 201
    attachment = created.json()["attachment"]
    assert attachment["content_type"] == "application/pdf"
    assert attachment["size"] == len(PDF)
    download = client.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"


def test_attachment_too_large_is_refused(family_a, settings):
    settings.COMPLAINT_ATTACHMENT_MAX_BYTES = 1024
    family, head = family_a
    big = SimpleUploadedFile("foto.png", PNG + b"\0" * 2048, "image/png")
    response = bearer(head.user).post(
        "/api/v1/complaints/",
        {
            "participant": member_of(family).card_number,
            "category": "KELUHAN",
            "subject": "s",
            "text": "t",
            "attachment": big,
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["attachment"]
    assert Complaint.objects.count() == 0


def test_staff_answer_participant_reply_and_close_over_the_api(family_a, staff_a):
    _family, head = family_a
    complaint = file_complaint(family_a)
    participant, staff = bearer(head.user), bearer(staff_a)

    early = participant.post(f"/api/v1/complaints/{complaint.pk}/replies/", {"text": "Halo?"})
    assert (early.status_code, early.json()["code"]) == (409, "COMPLAINT_NOT_IN_HANDLING")

    answered = staff.post(f"/api/v1/complaints/{complaint.pk}/replies/", {"text": "Kirim KK."})
    assert answered.status_code == 201
    assert answered.json()["status"] == "PENANGANAN"

    replied = participant.post(f"/api/v1/complaints/{complaint.pk}/replies/", {"text": "Ini."})
    assert replied.status_code == 201
    assert [r["side"] for r in replied.json()["replies"]] == ["BRANCH", "PARTICIPANT"]

    gone = participant.delete(f"/api/v1/complaints/{complaint.pk}/")
    assert (gone.status_code, gone.json()["code"]) == (409, "COMPLAINT_NOT_OPEN")

    staff_close = staff.post(f"/api/v1/complaints/{complaint.pk}/close/")
    assert staff_close.status_code == 403
    closed = participant.post(f"/api/v1/complaints/{complaint.pk}/close/")
    assert closed.status_code == 200
    assert closed.json()["status"] == "SELESAI"

    late = staff.post(f"/api/v1/complaints/{complaint.pk}/replies/", {"text": "Lagi"})
    assert (late.status_code, late.json()["code"]) == (409, "COMPLAINT_FINISHED")


def test_empty_reply_is_400_and_changes_nothing(family_a, staff_a):
    complaint = file_complaint(family_a)
    response = bearer(staff_a).post(f"/api/v1/complaints/{complaint.pk}/replies/", {"text": ""})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["text"]
    complaint.refresh_from_db()
    assert (complaint.status, complaint.replies.count()) == (ComplaintStatus.OPEN, 0)


def test_participant_deletes_an_open_complaint(family_a):
    _family, head = family_a
    complaint = file_complaint(family_a)
    response = bearer(head.user).delete(f"/api/v1/complaints/{complaint.pk}/")
    assert response.status_code == 204
    assert not Complaint.objects.filter(pk=complaint.pk).exists()


def test_staff_queue_is_their_branch_oldest_first_with_status_filter(family_a, family_b, staff_a):
    older = file_complaint(family_a, now=FILED_AT)
    newer = file_complaint(family_a, now=FILED_AT + timedelta(hours=1))
    file_complaint(family_b)  # another branch
    complaint_reply_as_branch(complaint=newer, actor=staff_a, text="Dicek.")
    client = bearer(staff_a)

    queue = client.get("/api/v1/complaints/").json()
    assert [c["id"] for c in queue["results"]] == [older.pk, newer.pk]
    handled = client.get("/api/v1/complaints/?status=PENANGANAN").json()
    assert [c["id"] for c in handled["results"]] == [newer.pk]
    bad = client.get("/api/v1/complaints/?status=DONE")
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["status"])


def test_staff_cannot_file_a_complaint(family_a, staff_a):
    family, _head = family_a
    response = bearer(staff_a).post(
        "/api/v1/complaints/",
        {
            "participant": member_of(family).card_number,
            "category": "KELUHAN",
            "subject": "s",
            "text": "t",
        },
        format="json",
    )
    assert response.status_code == 403
    assert Complaint.objects.count() == 0


def test_staff_trigger_resync(
    family_a, staff_a, queued_family_syncs, django_capture_on_commit_callbacks
):
    family, _head = family_a
    complaint = file_complaint(family_a, resync_requested=True)
    sent = queued_family_syncs
    with django_capture_on_commit_callbacks(execute=True):
        response = bearer(staff_a).post(f"/api/v1/complaints/{complaint.pk}/resync/")
    assert response.status_code == 202
    assert response.json()["resync_triggered_at"] is not None
    assert sent == [(family.pk, staff_a.pk)]


# --- the access matrix -------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/v1/complaints/{id}/", None),
    ("delete", "/api/v1/complaints/{id}/", None),
    ("get", "/api/v1/complaints/{id}/replies/", None),
    ("post", "/api/v1/complaints/{id}/replies/", {"text": "Dari luar"}),
    ("post", "/api/v1/complaints/{id}/close/", None),
    ("get", "/api/v1/complaints/{id}/attachment/", None),
    ("post", "/api/v1/complaints/{id}/resync/", None),
]


@pytest.fixture
def handled_with_attachment(family_a, staff_a):
    upload = SimpleUploadedFile("kk.png", PNG, "image/png")
    complaint = file_complaint(family_a, attachment=upload)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Kami cek.")
    return complaint


def _snapshot(complaint):
    complaint.refresh_from_db()
    return (
        complaint.status,
        complaint.closed_at,
        complaint.resync_triggered_at,
        list(complaint.replies.values_list("side", "text")),
    )


@pytest.mark.parametrize(("method", "url", "data"), ENDPOINTS)
def test_a_participant_of_another_family_gets_404_and_changes_nothing(
    handled_with_attachment, family_b, method, url, data
):
    _family, stranger = family_b
    before = _snapshot(handled_with_attachment)
    response = getattr(bearer(stranger.user), method)(
        url.format(id=handled_with_attachment.pk), data
    )
    expected = 403 if url.endswith("resync/") else 404  # resync is staff-only whoever asks
    assert response.status_code == expected
    assert _snapshot(handled_with_attachment) == before


@pytest.mark.parametrize(("method", "url", "data"), ENDPOINTS)
def test_staff_of_another_branch_get_404_and_change_nothing(
    handled_with_attachment, family_b, method, url, data
):
    other_staff = staff_of(family_b[0])
    before = _snapshot(handled_with_attachment)
    response = getattr(bearer(other_staff), method)(url.format(id=handled_with_attachment.pk), data)
    assert response.status_code == 404
    assert _snapshot(handled_with_attachment) == before
    assert bearer(other_staff).get("/api/v1/complaints/").json()["count"] == 0


@pytest.mark.parametrize(("method", "url", "data"), ENDPOINTS)
def test_facility_and_anonymous_are_refused(handled_with_attachment, method, url, data):
    before = _snapshot(handled_with_attachment)
    target = url.format(id=handled_with_attachment.pk)
    facility = getattr(bearer(FacilityUserFactory()), method)(target, data)
    anonymous = getattr(APIClient(), method)(target, data)
    assert (facility.status_code, anonymous.status_code) == (403, 401)
    assert _snapshot(handled_with_attachment) == before


def test_another_familys_list_is_empty(handled_with_attachment, family_b):
    assert bearer(family_b[1].user).get("/api/v1/complaints/").json()["count"] == 0


def test_complaints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/complaints/",
        "/api/v1/complaints/{id}/",
        "/api/v1/complaints/{id}/replies/",
        "/api/v1/complaints/{id}/close/",
        "/api/v1/complaints/{id}/attachment/",
        "/api/v1/complaints/{id}/resync/",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/complaints/{id}/"]["delete"]["responses"]) >= {
        "204",
        "404",
        "409",
    }


def test_filing_is_rate_limited_per_account_with_retry_after(family_a, settings):
    from django.core.cache import cache

    cache.clear()
    settings.COMPLAINT_FILE_RATE = "2/hour"
    family, head = family_a
    client = bearer(head.user)
    payload = {
        "participant": member_of(family).card_number,
        "category": "INFORMASI",
        "subject": "s",
        "text": "t",
    }
    codes = [client.post("/api/v1/complaints/", payload, format="json") for _ in range(3)]
    assert [r.status_code for r in codes] == [201, 201, 429]
    assert codes[2].json()["code"] == "RATE_LIMITED"
    assert 0 < int(codes[2]["Retry-After"]) <= 3600
    assert Complaint.objects.count() == 2
