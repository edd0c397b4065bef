"""Two people registering the same KK at once make one family; an expired first VA gives a
new one, the old number is refused and the new one makes the family AKTIF."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from families.models import FamilyCard
from participants.models import Participant
from payments.factories import PaymentChannelFactory, notification_body, signed
from payments.models import Reactivation
from payments.tasks import reactivate

from .flow import BASE, register_until_consent, step


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_submitting_the_same_kk_at_once_make_one_family(new_family, place):
    # Given two drafts of the same KK, each at the consent step (two browsers).
    drafts = [
        register_until_consent(APIClient(), new_family.kk_number, place.near.pk, email=e)
        for e in ("a@contoh.id", "b@contoh.id")
    ]
    barrier = threading.Barrier(2)
    answers: dict[str, tuple[int, str]] = {}

    def submit(reg_id: str) -> None:
        try:
            barrier.wait(timeout=10)
            response = step(APIClient(), reg_id, "submit", {"consent": True})
            answers[reg_id] = (response.status_code, response.json().get("code", "OK"))
        finally:
            connection.close()

    # When both submit at the same moment.
    threads = [threading.Thread(target=submit, args=(r,)) for r in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # Then one family of three exists, and the other submit is told the KK is registered.
    assert sorted(answers.values()) == [(200, "OK"), (409, "KK_ALREADY_REGISTERED")]
    assert FamilyCard.objects.filter(number=new_family.kk_number).count() == 1
    assert Participant.objects.count() == 3


@pytest.mark.django_db
def test_an_expired_first_va_gives_a_new_one_and_only_that_one_pays(
    new_family, place, client, django_capture_on_commit_callbacks
):
    api = APIClient()
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)):
        reg_id = register_until_consent(
            api, new_family.kk_number, place.near.pk, capture=django_capture_on_commit_callbacks
        )
        first = step(api, reg_id, "submit", {"consent": True}).json()
        refused = step(api, reg_id, "payment/restart", {})
        assert (refused.status_code, refused.json()["code"]) == (409, "VA_STILL_VALID")

    with time_machine.travel(dt.datetime(2027, 1, 2, 10, 0, tzinfo=dt.UTC)):
        # The VA is past its 30 days: start the payment again.
        assert api.get(f"{BASE}{reg_id}/").json()["state"] == "PAYMENT_EXPIRED"
        with django_capture_on_commit_callbacks(execute=True):
            again = step(api, reg_id, "payment/restart", {}).json()
        assert again["state"] == "AWAITING_PAYMENT"
        assert again["va_expires_on"] == "2027-02-01"
        assert again["virtual_account"] != first["virtual_account"]
        # The amount now covers December and January (two months for three members).
        assert again["amount_due"] == 600_000

        channel = PaymentChannelFactory(code="BANK_UJI")

        def pay(va: str, tx: str):
            message = signed(
                channel,
                notification_body(virtual_account=va, amount=600_000, transaction_id=tx),
            )
            with django_capture_on_commit_callbacks():
                return client.post(
                    "/api/v1/payments/notifications/",
                    data=message.body,
                    content_type="application/json",
                    **message.client_headers(),
                )

        old = pay(first["virtual_account"], "TX-OLD")
        assert (old.status_code, old.json()["code"]) == (409, "UNKNOWN_VIRTUAL_ACCOUNT")
        assert not Reactivation.objects.exists()
        new = pay(again["virtual_account"], "TX-NEW")
        assert new.status_code == 200, new.content
        reactivate(Reactivation.objects.get().pk)
        statuses = set(Participant.objects.values_list("status", flat=True))
        assert statuses == {"AKTIF"}
        assert api.get(f"{BASE}{reg_id}/").json()["state"] == "PAID"
