"""Participant pages and the Bantuan page: what a person sees, form errors, and scope."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ..models import Complaint, ComplaintStatus
from ..services import complaint_reply_as_branch
from .conftest import FILED_AT, PNG, file_complaint, member_of, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, family_a):
    _family, head = family_a
    client.force_login(head.user)
    return client


def test_filing_from_the_form_with_a_photo(logged_in, family_a):
    family, _head = family_a
    member = member_of(family, 1)
    response = logged_in.post(
        "/pengaduan/baru/",
        {
            "participant": member.card_number,
            "category": "KELUHAN",
            "subject": "Status anak",
            "text": "Tertulis tidak aktif.",
            "attachment": SimpleUploadedFile("foto.png", PNG, "image/png"),
            "resync_requested": "on",
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pengaduan/{complaint.pk}/"
    assert (complaint.participant, complaint.resync_requested) == (member, True)
    assert complaint.attachment_type == "image/png"

    page = logged_in.get(response["Location"]).content.decode()
    assert "Status anak" in page
    assert 'data-status="OPEN"' in page
    assert 'data-testid="delete-complaint"' in page
    assert 'data-testid="reply-form"' not in page


def test_a_bad_attachment_is_a_form_error_and_nothing_is_filed(logged_in, family_a):
    family, _head = family_a
    response = logged_in.post(
        "/pengaduan/baru/",
        {
            "participant": member_of(family).card_number,
            "category": "KELUHAN",
            "subject": "s",
            "text": "t",
            "attachment": SimpleUploadedFile("foto.png", b"MZ\x90\x00 not an image", "image/png"),
        },
    )
    assert response.status_code == 200
    assert "Hanya gambar JPEG atau PNG dan dokumen PDF" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_missing_fields_are_form_errors(logged_in):
    response = logged_in.post("/pengaduan/baru/", {"category": "KELUHAN"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"participant", "subject", "text"}
    assert Complaint.objects.count() == 0


def test_prefilled_status_complaint_from_info_peserta(logged_in, family_a):
    family, _head = family_a
    member = member_of(family, 2)
    page = logged_in.get(f"/pengaduan/baru/?topic=STATUS_MISMATCH&member={member.card_number}")
    form = page.context["form"]
    assert form.initial["participant"] == member.card_number
    assert form.initial["topic"] == "STATUS_MISMATCH"
    assert form.initial["resync_requested"] is True
    assert form.initial["subject"] == "Status kepesertaan tidak sesuai"
    assert member.card_number in form.initial["text"]


def test_info_peserta_links_to_the_prefilled_complaints(logged_in, family_a):
    family, _head = family_a
    page = logged_in.get("/info-peserta/").content.decode()
    member = member_of(family, 1)
    assert f"/pengaduan/baru/?topic=STATUS_MISMATCH&amp;member={member.card_number}" in page
    assert "/pengaduan/baru/?topic=MEMBER_MISSING" in page


def test_list_shows_the_familys_complaints_with_status(logged_in, family_a, family_b):
    mine = file_complaint(family_a, subject="Punya saya")
    file_complaint(family_b, subject="Punya orang lain")
    page = logged_in.get("/pengaduan/").content.decode()
    assert "Punya saya" in page
    assert "Punya orang lain" not in page
    assert f'data-id="{mine.pk}"' in page


def test_reply_and_done_from_the_detail_page(logged_in, family_a, staff_a):
    complaint = file_complaint(family_a)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Mohon kirim KK.")
    page = logged_in.get(f"/pengaduan/{complaint.pk}/").content.decode()
    assert "Mohon kirim KK." in page
    assert 'data-testid="reply-form"' in page

    empty = logged_in.post(f"/pengaduan/{complaint.pk}/tanggapan/", {"text": ""})
    assert empty.status_code == 400
    assert complaint.replies.count() == 1

    logged_in.post(f"/pengaduan/{complaint.pk}/tanggapan/", {"text": "Sudah saya kirim."})
    logged_in.post(f"/pengaduan/{complaint.pk}/selesai/")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SELESAI
    assert list(complaint.replies.values_list("side", flat=True)) == ["BRANCH", "PARTICIPANT"]


def test_delete_refused_once_handled_shows_the_reason(logged_in, family_a, staff_a):
    complaint = file_complaint(family_a)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Dicek.")
    response = logged_in.post(f"/pengaduan/{complaint.pk}/hapus/", follow=True)
    assert Complaint.objects.filter(pk=complaint.pk).exists()
    assert "Hanya pengaduan yang belum dijawab" in response.content.decode()


@pytest.mark.parametrize("url", ["/pengaduan/{id}/", "/pengaduan/{id}/lampiran/"])
def test_another_familys_complaint_and_attachment_are_404(client, family_a, family_b, url):
    complaint = file_complaint(family_a, attachment=SimpleUploadedFile("kk.png", PNG, "image/png"))
    client.force_login(family_b[1].user)
    assert client.get(url.format(id=complaint.pk)).status_code == 404


@pytest.mark.parametrize("action", ["tanggapan", "selesai", "hapus"])
def test_another_family_cannot_act_on_a_complaint(client, family_a, family_b, staff_a, action):
    complaint = file_complaint(family_a)
    client.force_login(family_b[1].user)
    response = client.post(f"/pengaduan/{complaint.pk}/{action}/", {"text": "x"})
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert (complaint.status, complaint.replies.count()) == (ComplaintStatus.OPEN, 0)


def test_attachment_served_to_the_family_and_its_branch_only(client, family_a, family_b):
    complaint = file_complaint(family_a, attachment=SimpleUploadedFile("kk.png", PNG, "image/png"))
    url = f"/pengaduan/{complaint.pk}/lampiran/"
    client.force_login(family_a[1].user)
    own = client.get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PNG
    assert own["Content-Disposition"].startswith("attachment;")

    client.force_login(staff_of(family_a[0]))
    assert client.get(url).status_code == 200
    client.force_login(staff_of(family_b[0]))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_attachments_have_no_public_url(family_a, settings):
    complaint = file_complaint(family_a, attachment=SimpleUploadedFile("kk.png", PNG, "image/png"))
    stored = settings.COMPLAINT_ATTACHMENTS_DIR / complaint.attachment.name
    assert stored.exists()
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    with pytest.raises(ValueError):
        complaint.attachment.url  # noqa: B018


def test_help_page_for_a_participant_shows_their_branch(logged_in, family_a):
    family, _head = family_a
    family.branch.address = "Jl. Raya Pasar Minggu No. 9, Jakarta Selatan"
    family.branch.save()
    page = logged_in.get("/bantuan/").content.decode()
    assert "165" in page
    assert "WhatsApp 0811-8165-165" in page
    assert family.branch.name in page
    assert "Jl. Raya Pasar Minggu No. 9, Jakarta Selatan" in page
    assert "Mengapa anggota TIDAK AKTIF" in page


def test_help_page_is_open_without_login(client):
    response = client.get("/bantuan/")
    assert response.status_code == 200
    assert 'data-testid="branch"' not in response.content.decode()


def test_autoclosed_complaint_shows_the_note(logged_in, family_a, staff_a):
    from ..services import complaints_autoclose

    complaint = file_complaint(family_a)
    complaint_reply_as_branch(complaint=complaint, actor=staff_a, text="Dicek.", now=FILED_AT)
    complaints_autoclose(now=FILED_AT + timedelta(days=5))
    page = logged_in.get(f"/pengaduan/{complaint.pk}/").content.decode()
    assert 'data-status="CLOSED"' in page
    assert "Ditutup otomatis" in page
    assert 'data-testid="reply-form"' not in page


def test_filing_from_the_page_shares_the_rate_limit(logged_in, family_a, settings):
    from django.core.cache import cache

    cache.clear()
    settings.COMPLAINT_FILE_RATE = "1/hour"
    family, _head = family_a
    data = {
        "participant": member_of(family).card_number,
        "category": "INFORMASI",
        "subject": "s",
        "text": "t",
    }
    assert logged_in.post("/pengaduan/baru/", data).status_code == 302
    again = logged_in.post("/pengaduan/baru/", data)
    assert again.status_code == 200
    assert "Anda sudah banyak mengajukan pengaduan" in again.content.decode()
    assert Complaint.objects.count() == 1
