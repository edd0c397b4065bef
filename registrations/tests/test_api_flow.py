"""A new family registers through the API: KK pulled from the registry (a real HTTP process),
class with iuran, code by e-mail, VA, first payment, AKTIF."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from families.models import FamilyCard, FamilyMembership
from participants.models import Participant
from payments.factories import PaymentChannelFactory, notification_body, signed
from payments.models import Reactivation
from payments.tasks import reactivate

from .flow import BASE, delivered, last_code, step

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@time_machine.travel(TODAY, tick=False)
def test_a_new_family_registers_pays_the_first_va_and_is_active(
    new_family, place, django_capture_on_commit_callbacks
):
    client = APIClient()
    # Given a draft with the terms accepted.
    reg_id = client.post(BASE, {}, format="json").json()["id"]
    assert step(client, reg_id, "terms", {"accepted": True}).json()["step"] == "KK"

    # When the KK is pulled from Dukcapil.
    pulled = step(client, reg_id, "kk", {"kk_number": new_family.kk_number}).json()

    # Then every member is there, pre-filled and masked, with the FKTP near the district first.
    assert [(m["name"], m["relationship"], m["case"]) for m in pulled["members"]] == [
        ("BUDI SANTOSO", "KEPALA", "REQUIRED"),
        ("SITI AMINAH", "PASANGAN", "REQUIRED"),
        ("RAKA PUTRA", "ANAK", "REQUIRED"),
    ]
    assert pulled["members"][0]["nik_masked"].startswith("3174")
    assert "*" in pulled["members"][0]["nik_masked"]
    assert [f["name"] for f in pulled["facilities"]] == [
        "Puskesmas Kebayoran Lama",
        "Klinik Tebet",
    ]
    # The iuran per member and the family total for each class.
    assert [(q["care_class"], q["per_member"], q["total"]) for q in pulled["class_quotes"]] == [
        (1, 150_000, 450_000),
        (2, 100_000, 300_000),
        (3, 35_000, 105_000),
    ]
    assert pulled["class_quotes"][1]["total_display"] == "Rp300.000"

    niks = [m["nik"] for m in new_family.members]
    members = [{"nik": n, "fktp_id": place.near.pk, "email": "", "phone": ""} for n in niks]
    assert step(client, reg_id, "members", {"members": members}).json()["step"] == "CLASS"
    assert step(client, reg_id, "class", {"care_class": 2}).json()["care_class"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        contact = step(client, reg_id, "contact", {"email": "siti@contoh.id", "phone": ""})
    assert contact.json()["contact_email"] == "si***@contoh.id"
    with django_capture_on_commit_callbacks(execute=True):
        verify = step(client, reg_id, "verify", {"code": last_code("siti@contoh.id")})
    assert verify.json()["step"] == "CONSENT"

    # When the registration is submitted with consent.
    with django_capture_on_commit_callbacks(execute=True):
        done = step(client, reg_id, "submit", {"consent": True})

    # Then the family exists, TIDAK AKTIF awaiting the first payment, with a 30-day VA.
    assert done.status_code == 200, done.content
    body = done.json()
    family = FamilyCard.objects.get(number=new_family.kk_number)
    assert body["state"] == "AWAITING_PAYMENT"
    assert body["virtual_account"] == family.virtual_account
    assert body["va_expires_on"] == "2027-01-01"
    assert body["amount_due"] == 300_000
    assert body["amount_due_display"] == "Rp300.000"
    people = Participant.objects.filter(memberships__family=family).order_by("birth_date")
    assert [(p.name, p.segment_id, p.care_class, p.status, p.status_reason) for p in people] == [
        ("SITI AMINAH", "PBPU", 2, "TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT"),
        ("BUDI SANTOSO", "PBPU", 2, "TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT"),
        ("RAKA PUTRA", "PBPU", 2, "TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT"),
    ]
    # The head is the main participant (DESIGN 4.5 priority), though the spouse is older.
    main = FamilyMembership.objects.get(family=family, is_main=True)
    assert main.participant.name == "BUDI SANTOSO"
    # The verified contact is the main participant's, for the account to come.
    assert main.participant.email == "siti@contoh.id"
    # The VA went out by e-mail with the amount and the last day.
    delivered()
    va_mail = mail.outbox[-1]
    assert va_mail.to == ["siti@contoh.id"]
    assert family.virtual_account in va_mail.body
    assert "Rp300.000" in va_mail.body and "01-01-2027" in va_mail.body

    # When the bank notifies the first payment (signed, as today).
    channel = PaymentChannelFactory(code="BANK_UJI")
    message = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=300_000)
    )
    with django_capture_on_commit_callbacks():
        paid = client.post(
            "/api/v1/payments/notifications/",
            data=message.body,
            content_type="application/json",
            **message.client_headers(),
        )
    assert paid.status_code == 200, paid.content
    assert paid.json()["result"] == "SETTLED"
    # The settlement queued the reactivation on commit; the task function runs it here (a real
    # worker runs it in the payments worker tests).
    reactivate(Reactivation.objects.get(family=family).pk)
    # Then the whole family is AKTIF and the registration says so.
    assert set(
        Participant.objects.filter(memberships__family=family).values_list("status", flat=True)
    ) == {"AKTIF"}
    assert client.get(f"{BASE}{reg_id}/").json()["state"] == "PAID"
