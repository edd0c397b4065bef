"""No participant reaches another family's changes through any endpoint or page; contact and
mailing-address changes with their proofs."""

import pytest
from django.utils import timezone

from accounts.models import Account
from changes.models import DataChange, MailingAddress
from changes.rules import first_of_next_month
from participants.factories import FacilityFactory
from tests.conftest import bearer

from .conftest import PIN, family_with_login, last_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_families():  # type: ignore[no-untyped-def]
    paid = timezone.localdate().replace(day=1)
    return family_with_login(2, paid_through=paid), family_with_login(2, paid_through=paid)


def test_another_familys_request_member_or_change_is_not_found_everywhere(two_families, client):
    (family_a, head_a), (family_b, head_b) = two_families
    api_a, api_b = bearer(head_a.user), bearer(head_b.user)
    new = FacilityFactory(district=family_a.district)
    body = api_a.post(
        "/api/v1/me/changes/fktp/",
        {"card_number": head_a.card_number, "facility_code": new.code},
        format="json",
    ).json()
    request_id = body["request_id"]
    code = last_code(head_a.user.account.email)

    # B cannot confirm, cancel or see A's request, nor name A's member.
    confirm = api_b.post(
        f"/api/v1/me/changes/{request_id}/confirm/", {"code": code, "pin": PIN}, format="json"
    )
    assert (confirm.status_code, confirm.json()["code"]) == (404, "NOT_FOUND")
    assert api_b.post(f"/api/v1/me/changes/{request_id}/cancel/").status_code == 404
    assert api_b.get("/api/v1/me/changes/").json()["results"] == []
    foreign = api_b.post(
        "/api/v1/me/changes/fktp/",
        {"card_number": head_a.card_number, "facility_code": new.code},
        format="json",
    )
    assert foreign.status_code == 400 and "card_number" in foreign.json()["fields"]
    segment = api_b.post(
        "/api/v1/me/changes/segment/",
        {
            "card_numbers": [head_a.card_number],
            "care_class": 3,
            "bank": "BRI",
            "account_number": "1234567890",
            "account_holder": "X",
        },
        format="json",
    )
    assert segment.status_code == 400

    client.force_login(head_b.user)
    assert client.get(f"/ubah-data/{request_id}/verifikasi/").status_code == 404
    assert (
        client.post(f"/ubah-data/{request_id}/verifikasi/", {"code": code, "pin": PIN}).status_code
        == 404
    )
    assert client.post(f"/ubah-data/{request_id}/batal/").status_code == 404
    assert client.get(f"/info-peserta/{head_a.card_number}/").status_code == 404
    assert DataChange.objects.get().state == "PENDING"


def test_staff_and_anonymous_callers_cannot_use_the_participant_endpoints(client):
    from core.factories import StaffUserFactory

    assert client.get("/api/v1/me/changes/").status_code == 401
    assert bearer(StaffUserFactory()).get("/api/v1/me/changes/").status_code == 403
    assert client.get("/ubah-data/").status_code == 302


def test_phone_change_sends_the_code_to_the_registered_email_and_applies_at_once():
    family, head = family_with_login(1)
    api = bearer(head.user)
    bad = api.post("/api/v1/me/changes/phone/", {"phone": "021-555"}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()["fields"]
    body = api.post("/api/v1/me/changes/phone/", {"phone": "0813-9876-5432"}, format="json").json()
    assert (body["needs_code"], body["needs_pin"]) == (True, False)
    done = api.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": last_code(head.user.account.email)},
        format="json",
    )
    assert [c["state"] for c in done.json()] == ["APPLIED"]
    head.refresh_from_db()
    assert head.phone == "+6281398765432"
    assert Account.objects.get(user=head.user).phone == "+6281398765432"


def test_email_change_sends_the_code_to_the_new_address_and_one_email_per_account():
    (family_a, head_a) = family_with_login(1)
    (family_b, head_b) = family_with_login(1)
    api = bearer(head_a.user)
    taken = api.post(
        "/api/v1/me/changes/email/", {"email": head_b.user.account.email.upper()}, format="json"
    )
    assert (taken.status_code, taken.json()["code"]) == (400, "EMAIL_TAKEN")
    body = api.post("/api/v1/me/changes/email/", {"email": "baru@contoh.id"}, format="json").json()
    api.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": last_code("baru@contoh.id")},
        format="json",
    )
    head_a.refresh_from_db()
    account = Account.objects.get(user=head_a.user)
    assert (head_a.email, account.email, account.email_key) == (
        "baru@contoh.id",
        "baru@contoh.id",
        "baru@contoh.id",
    )


def test_mailing_address_takes_a_kemendagri_district_and_the_pin():
    family, head = family_with_login(1)
    api = bearer(head.user)
    bad = api.post(
        "/api/v1/me/changes/address/",
        {"address": "Jl. Melati 5", "district": "999999"},
        format="json",
    )
    assert bad.status_code == 400 and "district" in bad.json()["fields"]
    body = api.post(
        "/api/v1/me/changes/address/",
        {"address": "Jl. Melati 5 RT 01/RW 02", "district": "317401"},
        format="json",
    ).json()
    assert (body["needs_code"], body["needs_pin"]) == (False, True)
    api.post(f"/api/v1/me/changes/{body['request_id']}/confirm/", {"pin": PIN}, format="json")
    address = MailingAddress.objects.get(participant=head)
    assert (address.address, address.district_id) == ("Jl. Melati 5 RT 01/RW 02", "317401")


def test_each_change_sends_the_participant_a_message():
    from messaging.models import Message

    family, head = family_with_login(2, paid_through=timezone.localdate().replace(day=1))
    api = bearer(head.user)
    body = api.post("/api/v1/me/changes/class/", {"care_class": 2}, format="json").json()
    api.post(f"/api/v1/me/changes/{body['request_id']}/confirm/", {"pin": PIN}, format="json")
    from changes.services import scheduled_changes_apply

    scheduled_changes_apply(on=first_of_next_month(timezone.localdate()))
    texts = list(
        Message.objects.filter(template="data_change")
        .order_by("pk")
        .values_list("body_text", flat=True)
    )
    assert len(texts) == 2
    assert "dijadwalkan" in texts[0] or "scheduled" in texts[0]
    assert "berlaku" in texts[1] or "in effect" in texts[1]
