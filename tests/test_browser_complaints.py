"""End-to-end in Debian's Chromium: a participant files a complaint from Info Peserta with a
photo, the branch's staff answer it in the admin, and the participant replies and marks it
done, on a phone-width screen; the Bantuan page. Screenshots for the README."""

from typing import Any

import pytest

from complaints.models import Complaint, ComplaintStatus
from complaints.tests.conftest import PNG
from demo.identities import HEAD_NIK
from tests.test_browser import (  # noqa: F401 - fixtures used by name
    PHONE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    new_page,
    phone,
    shot,
    site,
    squash,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_attachments(settings, tmp_path):
    settings.COMPLAINT_ATTACHMENTS_DIR = tmp_path / "private"


def test_file_answer_reply_and_close_a_complaint(site: str, phone: Any, browser: Any) -> None:  # noqa: F811
    # Given the demo family, whose Dewi Lestari is held for a Dukcapil name mismatch.
    log_in(phone, site, HEAD_NIK)
    dewi = phone.locator("[data-testid=member]", has_text="Dewi Lestari")
    card = dewi.get_attribute("data-card")

    # "Status tidak sesuai? Ajukan pengaduan" opens the form already filled in.
    with phone.expect_navigation():
        dewi.locator("[data-testid=complain-status]").click()
    assert phone.locator("#id_participant").input_value() == card
    assert phone.locator("#id_subject").input_value() == "Status kepesertaan tidak sesuai"
    assert "PENANGGUHAN" in phone.locator("#id_text").input_value()
    assert phone.locator("#id_resync_requested").is_checked()
    assert phone.locator("#id_category_0").is_checked()  # KELUHAN
    assert_no_horizontal_scroll(phone, PHONE["width"])

    phone.fill("#id_text", phone.locator("#id_text").input_value() + "nama di KK sudah benar.")
    phone.set_input_files(
        "#id_attachment", files=[{"name": "kk.png", "mimeType": "image/png", "buffer": PNG}]
    )
    with phone.expect_navigation():
        phone.click("[data-testid=submit-complaint]")
    complaint = Complaint.objects.filter(participant__card_number=card).latest("created_at")
    assert phone.url == f"{site}/pengaduan/{complaint.pk}/"
    assert phone.locator("[data-testid=complaint-status]").inner_text() == "TERBUKA"
    assert phone.locator("[data-testid=attachment]").inner_text() == "kk.png"
    assert complaint.attachment_type == "image/png"
    assert complaint.resync_requested

    # The branch's staff answer it in the admin, from the queue.
    staff = new_page(browser)
    staff.goto(f"{site}/admin/login/")
    staff.fill("#id_username", "staff_jaksel")
    staff.fill("#id_password", "Jkn-demo-2026")
    with staff.expect_navigation():
        staff.click("input[type=submit]")
    staff.goto(f"{site}/admin/complaints/complaint/?status__exact=OPEN")
    with staff.expect_navigation():
        staff.click(f"#result_list a[href*='/{complaint.pk}/change/']")
    assert "PENANGGUHAN" in staff.locator("[data-testid=participant-status]").inner_text()
    shot(staff, "complaint-staff.png")
    staff.fill("#id_text", "Data Dewi sudah kami cocokkan dengan Dukcapil. Mohon cek kembali.")
    with staff.expect_navigation():
        staff.click("[data-testid=send-answer]")
    staff.context.close()

    # The participant sees the answer, replies, and marks the complaint done.
    phone.reload()
    assert phone.locator("[data-testid=complaint-status]").inner_text() == "PENANGANAN"
    replies = phone.locator("[data-testid=reply]")
    assert replies.count() == 1
    assert "sudah kami cocokkan" in replies.first.inner_text()
    phone.fill("#id_text", "Terima kasih, status sudah AKTIF.")
    with phone.expect_navigation():
        phone.click("[data-testid=send-reply]")
    assert phone.locator("[data-testid=message]").inner_text() == "Tanggapan Anda terkirim."
    assert [r.get_attribute("data-side") for r in replies.all()] == ["BRANCH", "PARTICIPANT"]
    assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "complaint.png")
    with phone.expect_navigation():
        phone.click("[data-testid=mark-done]")
    assert phone.locator("[data-testid=complaint-status]").inner_text() == "SELESAI"
    assert phone.locator("[data-testid=reply-form]").count() == 0
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.SELESAI

    # The list shows it with its badge.
    with phone.expect_navigation():
        phone.click("[data-testid=nav-complaints]")
    row = phone.locator(f"[data-testid=complaint][data-id='{complaint.pk}']")
    assert row.locator("[data-testid=complaint-status]").get_attribute("data-status") == "SELESAI"
    assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "complaints.png")


def test_a_wrong_file_is_a_form_error_and_nothing_is_filed(site: str, phone: Any) -> None:  # noqa: F811
    log_in(phone, site, HEAD_NIK)
    before = Complaint.objects.count()
    phone.goto(f"{site}/pengaduan/baru/")
    phone.check("#id_category_1")
    phone.fill("#id_subject", "Cara pindah FKTP")
    phone.fill("#id_text", "Bagaimana caranya?")
    phone.set_input_files(
        "#id_attachment",
        files=[{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00 program"}],
    )
    with phone.expect_navigation():
        phone.click("[data-testid=submit-complaint]")
    errors = squash(phone.locator(".errorlist").inner_text())
    assert errors == "Hanya gambar JPEG atau PNG dan dokumen PDF yang dapat dilampirkan."
    assert phone.locator("#id_subject").input_value() == "Cara pindah FKTP"
    assert Complaint.objects.count() == before


def test_help_page_on_a_phone(site: str, phone: Any) -> None:  # noqa: F811
    log_in(phone, site, HEAD_NIK)
    with phone.expect_navigation():
        phone.click("[data-testid=nav-help]")
    contacts = squash(phone.locator("[data-testid=contacts]").inner_text())
    assert "165" in contacts
    assert "WhatsApp 0811-8165-165" in contacts
    assert "KC Jakarta Selatan" in contacts
    assert "Jl. Raya Pasar Minggu No. 9" in contacts
    assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "bantuan.png")
