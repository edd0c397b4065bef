"""Notifications: made once from each event (status change with its reason, bill due in 3
days, payment confirmed, complaint answered or closed, data change), shown only to the
family's account holders, and delivered by e-mail / SMS through the messaging outbox as each
person chose."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from complaints.services import (
    complaint_file,
    complaint_reply_as_branch,
    complaints_autoclose,
)
from core.factories import StaffUserFactory
from messaging.models import Message
from participants.factories import months_ago
from participants.models import Cause, Participant, RegistryHold
from participants.services import participant_correct, participant_refresh_status
from payments.models import Bill
from payments.services import family_bills_ensure
from tests.conftest import bearer, make_family

from ..models import Kind, Notification
from ..services import notifications_collect, preference_set
from ..texts import notification_text

pytestmark = pytest.mark.django_db
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def family():
    family, head = make_family(3, email="", phone="")
    head.email = "budi@example.test"
    head.phone = "0812-3456-7890"
    head.save(update_fields=["email", "phone"])
    return family, head


def _member(family, index):
    return family.memberships.order_by("-is_main", "id")[index].participant


def _hold(member: Participant) -> None:
    """The member, AKTIF since registration, is held for a Dukcapil mismatch."""
    participant_refresh_status(participant=member, cause=Cause.REGISTRATION)
    Participant.objects.filter(pk=member.pk).update(
        registry_hold=RegistryHold.DUKCAPIL_MISMATCH, hold_note="nama berbeda"
    )
    member.refresh_from_db()
    participant_refresh_status(participant=member, cause=Cause.DUKCAPIL_SYNC)


def test_a_status_change_notifies_the_account_holder_once_with_the_reason(
    family, django_capture_on_commit_callbacks
):
    family, head = family
    child = _member(family, 1)
    _hold(child)

    with django_capture_on_commit_callbacks() as sent:
        first = notifications_collect()
    second = notifications_collect()

    (notification,) = Notification.objects.all()
    assert (first.created, second.created) == (1, 0)
    assert notification.recipient == head
    assert notification.kind == Kind.STATUS_CHANGED
    title, body = notification_text(notification)
    assert title == f"Status {child.name}: PENANGGUHAN"
    assert body.startswith("Berubah dari AKTIF menjadi PENANGGUHAN. Penyebab:")
    # One e-mail in the outbox (SMS is off by default), sent by Celery after commit.
    (message,) = Message.objects.all()
    assert (message.channel, message.destination) == ("EMAIL", "budi@example.test")
    assert message.event_key == f"notification:{notification.pk}:email"
    assert message.subject == title
    assert len(sent) == 1


def test_sms_when_chosen_and_nothing_by_email_when_switched_off(family):
    family, head = family
    preference_set(user=head.user, email=False, sms=True)
    _hold(_member(family, 2))
    notifications_collect()
    (message,) = Message.objects.all()
    assert (message.channel, message.destination) == ("SMS", "+6281234567890")


def test_members_without_a_login_and_other_families_get_nothing(family):
    family, head = family
    other_family, other_head = make_family(2)
    _hold(_member(family, 1))
    notifications_collect()
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [head.pk]
    client = bearer(other_head.user)
    assert client.get("/api/v1/me/notifications/").json()["count"] == 0


def test_bill_due_in_three_days_is_reminded_once(family):
    family, head = family
    today = timezone.localdate()
    # Paid through last month: this month's iuran is the open bill.
    Participant.objects.filter(memberships__family=family).update(paid_through=months_ago(1))
    family_bills_ensure(family=family, on=today)
    bill = Bill.objects.filter(family=family, state=Bill.State.OPEN).order_by("month").last()
    Bill.objects.filter(family=family).exclude(pk=bill.pk).delete()
    Bill.objects.filter(pk=bill.pk).update(due_date=today + timedelta(days=4))
    assert notifications_collect().created == 0
    Bill.objects.filter(pk=bill.pk).update(due_date=today + timedelta(days=3))
    assert notifications_collect().created == 1
    assert notifications_collect().created == 0
    notification = Notification.objects.get(kind=Kind.BILL_DUE)
    title, body = notification_text(notification)
    due = (today + timedelta(days=3)).strftime("%d-%m-%Y")
    assert title == f"Iuran jatuh tempo {due}"
    assert f"Rp{bill.amount:,}".replace(",", ".") in body


def test_payment_confirmed(family, settings):
    from payments.services import payment_simulate

    settings.PAYMENT_SIMULATION = True
    family, head = family
    payment = payment_simulate(family=family, actor=head.user, amount=150_000)
    notifications_collect()
    notification = Notification.objects.get(kind=Kind.PAYMENT_CONFIRMED)
    assert notification.source == f"payment:{payment.pk}"
    assert notification_text(notification)[0] == "Pembayaran Rp150.000 diterima"


def test_complaint_answered_and_closed_go_to_the_filer(family):
    family, head = family
    staff = StaffUserFactory(branch=family.branch)
    filed_at = datetime.now(JAKARTA) - timedelta(days=6)
    complaint = complaint_file(
        filed_by=head.user,
        member=head,
        category="KELUHAN",
        subject="Status anak",
        text="Tidak sesuai.",
        now=filed_at,
    )
    answered_at = filed_at + timedelta(hours=1)
    complaint_reply_as_branch(complaint=complaint, actor=staff, text="Dicek.", now=answered_at)
    notifications_collect(now=answered_at + timedelta(minutes=1))
    complaints_autoclose()
    notifications_collect()
    kinds = list(Notification.objects.order_by("created_at").values_list("kind", "link"))
    assert kinds == [
        (Kind.COMPLAINT_ANSWERED, f"/pengaduan/{complaint.pk}/"),
        (Kind.COMPLAINT_CLOSED, f"/pengaduan/{complaint.pk}/"),
    ]


def test_a_data_change_that_took_effect(family):
    family, head = family
    child = _member(family, 1)
    staff = StaffUserFactory(branch=family.branch)
    participant_correct(
        participant=child, actor=staff, reason="Sesuai KK terbaru", changes={"name": "Nama Baru"}
    )
    notifications_collect()
    notification = Notification.objects.get(kind=Kind.DATA_CHANGED)
    title, body = notification_text(notification)
    assert title == "Data Nama Baru berubah"
    assert body == "Perubahan data Nama Baru sudah berlaku: Sesuai KK terbaru."


def test_the_bell_list_and_preferences_pages(client, family):
    family, head = family
    _hold(_member(family, 1))
    notifications_collect()
    client.force_login(head.user)

    page = client.get("/info-peserta/").content.decode()
    assert '<span class="count" data-testid="unread-count">1</span>' in page
    listed = client.get("/notifikasi/").content.decode()
    assert "PENANGGUHAN" in listed
    assert 'data-testid="unread-count"' not in client.get("/info-peserta/").content.decode()

    saved = client.post("/notifikasi/pengaturan/", {"sms": "on"}, follow=True)
    assert "Pengaturan notifikasi tersimpan." in saved.content.decode()
    head.user.notification_preference.refresh_from_db()
    assert (head.user.notification_preference.email, head.user.notification_preference.sms) == (
        False,
        True,
    )


def test_api_lists_marks_read_and_sets_preferences(family):
    family, head = family
    _hold(_member(family, 1))
    notifications_collect()
    client = bearer(head.user)
    listed = client.get("/api/v1/me/notifications/").json()
    assert listed["count"] == 1
    item = listed["results"][0]
    assert (item["kind"], item["read"]) == ("STATUS_CHANGED", False)
    assert client.post(
        "/api/v1/me/notifications/read/", {"ids": [item["id"]]}, format="json"
    ).json() == {"marked": 1}
    assert client.get("/api/v1/me/notifications/").json()["results"][0]["read"] is True

    bad = client.put(
        "/api/v1/me/notifications/preferences/", {"email": "maybe", "sms": False}, format="json"
    )
    assert (bad.status_code, list(bad.json()["fields"])) == (400, ["email"])
    ok = client.put(
        "/api/v1/me/notifications/preferences/", {"email": False, "sms": True}, format="json"
    )
    assert ok.json() == {"email": False, "sms": True}


def test_an_id_beyond_any_key_is_a_field_error_and_marks_nothing(family):
    family, head = family
    _hold(_member(family, 1))
    notifications_collect()
    response = bearer(head.user).post(
        "/api/v1/me/notifications/read/", {"ids": [2**63, 1]}, format="json"
    )
    assert (response.status_code, list(response.json()["fields"])) == (400, ["ids.0"])
    assert Notification.objects.get().read_at is None


def test_one_cannot_mark_another_persons_notifications(family):
    family, head = family
    _hold(_member(family, 1))
    notifications_collect()
    notification = Notification.objects.get()
    _other_family, other_head = make_family(1)
    response = bearer(other_head.user).post(
        "/api/v1/me/notifications/read/", {"ids": [notification.pk]}, format="json"
    )
    assert response.json() == {"marked": 0}
    notification.refresh_from_db()
    assert notification.read_at is None


def test_first_registration_status_is_not_a_change():
    make_family(2)
    notifications_collect()
    assert Notification.objects.count() == 0
