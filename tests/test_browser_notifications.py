"""End-to-end in Debian's Chromium at phone width: the branch answers a complaint and
corrects a member's data; the next notification pass puts both under the bell, with an
e-mail in the messaging outbox; the participant reads them and chooses SMS as well."""

from typing import Any

import pytest

from complaints.models import Complaint
from complaints.services import complaint_reply_as_branch
from core.models import User
from demo.identities import HEAD_NIK
from messaging.models import Message
from notifications.tasks import collect_notifications
from participants.models import Participant
from participants.services import participant_correct
from tests.test_browser import (  # noqa: F401 - fixtures used by name
    PHONE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    phone,
    shot,
    site,
    squash,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bell_list_and_preferences(site: str, phone: Any) -> None:  # noqa: F811
    log_in(phone, site, HEAD_NIK)
    assert phone.locator("[data-testid=unread-count]").count() == 0

    head = Participant.objects.get(nik=HEAD_NIK)
    Participant.objects.filter(pk=head.pk).update(email="budi.santoso@example.test")
    staff = User.objects.get(username="staff_jaksel")
    complaint = Complaint.objects.get(filed_by=head.user, client_key="demo-hold")
    complaint_reply_as_branch(
        complaint=complaint, actor=staff, text="Nama Dewi sudah kami sesuaikan dengan Dukcapil."
    )
    dewi = Participant.objects.get(name="Dewi Lestari")
    participant_correct(
        participant=dewi,
        actor=staff,
        reason="Sesuai KK dan Dukcapil",
        changes={"name": "Dewi Lestari Santoso"},
    )
    assert collect_notifications() == 2
    assert collect_notifications() == 0  # the next pass sends nothing twice

    phone.reload()
    assert phone.locator("[data-testid=unread-count]").inner_text() == "2"
    with phone.expect_navigation():
        phone.click("[data-testid=nav-notifications]")
    items = phone.locator("[data-testid=notification]")
    assert [i.get_attribute("data-kind") for i in items.all()] == [
        "DATA_CHANGED",
        "COMPLAINT_ANSWERED",
    ]
    assert squash(items.nth(0).inner_text()).endswith(
        "Perubahan data Dewi Lestari Santoso sudah berlaku: Sesuai KK dan Dukcapil."
    )
    assert f"Pengaduan #{complaint.pk} dijawab" in items.nth(1).inner_text()
    assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "notifications.png")
    assert sorted(Message.objects.values_list("channel", "destination")) == [
        ("EMAIL", "budi.santoso@example.test"),
        ("EMAIL", "budi.santoso@example.test"),
    ]

    # Seen: the bell is quiet again. SMS as well from now on.
    phone.reload()
    assert phone.locator("[data-testid=unread-count]").count() == 0
    with phone.expect_navigation():
        phone.click("[data-testid=preferences-link]")
    assert phone.locator("#id_email").is_checked()
    assert not phone.locator("#id_sms").is_checked()
    phone.check("#id_sms")
    with phone.expect_navigation():
        phone.click("[data-testid=save-preferences]")
    assert phone.locator("[data-testid=message]").inner_text() == "Pengaturan notifikasi tersimpan."
    assert phone.locator("#id_sms").is_checked()
