"""REST API: token login, my family, a member, eligibility; one error shape everywhere."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from participants.factories import months_ago
from participants.models import Participant

from .conftest import bearer

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_token_login_with_nik_and_password(family_a, password):
    _, head = family_a
    response = APIClient().post(
        "/api/v1/auth/token/", {"nik": head.nik, "password": password}, format="json"
    )
    assert response.status_code == 201
    token = response.json()["token"]
    me = APIClient().get("/api/v1/me/family/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    assert me.json()["kk_number"] == head.memberships.get().family.number


def test_wrong_password_is_401_and_gives_no_token(family_a):
    _, head = family_a
    response = APIClient().post(
        "/api/v1/auth/token/", {"nik": head.nik, "password": "salah"}, format="json"
    )
    assert_error(response, 401, "INVALID_CREDENTIALS")
    assert AuthToken.objects.count() == 0


@pytest.mark.parametrize(
    ("nik", "fragment"),
    # A NIK with an unknown region code is well-formed (DESIGN.md 4.2): not a 400.
    [("12345", "16"), ("3174013201800001", "32"), ("", "")],
)
def test_malformed_nik_is_400_with_a_field_error(nik, fragment):
    response = APIClient().post("/api/v1/auth/token/", {"nik": nik, "password": "x"}, format="json")
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert "nik" in body["fields"]
    assert fragment in body["fields"]["nik"][0]


def test_too_many_failures_lock_the_account_with_retry_after(family_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _, head = family_a
    client = APIClient()
    for _ in range(3):
        client.post("/api/v1/auth/token/", {"nik": head.nik, "password": "x"}, format="json")
    response = client.post(
        "/api/v1/auth/token/", {"nik": head.nik, "password": "Jkn-demo-2026"}, format="json"
    )
    body = assert_error(response, 429, "LOGIN_LOCKED")
    assert response["Retry-After"] == str(15 * 60)
    assert "15" in body["message"]
    assert AuthToken.objects.count() == 0


def test_my_family_lists_every_member_with_status_reason_and_remedy(family_a):
    family, head = family_a
    # Paid through last month: this month's contribution is due and shown.
    Participant.objects.filter(memberships__family=family).update(paid_through=months_ago(1))
    child = family.memberships.filter(is_main=False).first().participant
    Participant.objects.filter(pk=child.pk).update(registry_hold="DUKCAPIL_MISMATCH")
    body = bearer(head.user).get("/api/v1/me/family/").json()
    assert len(body["members"]) == 3
    by_card = {m["card_number"]: m for m in body["members"]}
    assert by_card[head.card_number]["nik"] == head.nik  # the caller's own NIK in full
    assert by_card[child.card_number]["nik"] == child.nik[:4] + "********" + child.nik[-4:]
    suspended = by_card[child.card_number]["status"]
    assert (suspended["status"], suspended["reason_code"], suspended["colour"]) == (
        "PENANGGUHAN",
        "DUKCAPIL_MISMATCH",
        "amber",
    )
    assert suspended["reason_text"] and suspended["remedy"]
    assert body["monthly_contribution"] == {"amount": 3 * 35_000, "formatted": "Rp105.000"}


def test_member_detail_includes_status_history(family_a):
    from participants.models import Cause
    from participants.services import participant_refresh_status

    family, head = family_a
    child = family.memberships.filter(is_main=False).first().participant
    participant_refresh_status(participant=child, cause=Cause.REGISTRATION)
    body = bearer(head.user).get(f"/api/v1/participants/{child.card_number}/").json()
    assert body["card_number"] == child.card_number
    assert [h["cause"] for h in body["status_history"]] == ["REGISTRATION"]


def test_expired_token_is_401():
    from core.factories import UserFactory

    user = UserFactory()
    instance, token = AuthToken.objects.create(user, expiry=timedelta(seconds=1))
    AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = APIClient().get("/api/v1/me/family/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_error(response, 401, "AUTHENTICATION_FAILED")


def test_a_deactivated_account_s_token_is_refused(family_a):
    _, head = family_a
    client = bearer(head.user)
    assert client.get("/api/v1/me/family/").status_code == 200
    type(head.user).objects.filter(pk=head.user.pk).update(is_active=False)
    assert_error(client.get("/api/v1/me/family/"), 401, "AUTHENTICATION_FAILED")


def test_a_token_that_shares_a_live_token_s_key_but_not_its_secret_is_refused(family_a):
    _, head = family_a
    _, token = AuthToken.objects.create(head.user)
    forged = token[:15] + ("0" if token[15] != "0" else "1") + token[16:]
    client = APIClient()
    assert client.get("/api/v1/me/family/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    refused = client.get("/api/v1/me/family/", HTTP_AUTHORIZATION=f"Bearer {forged}")
    assert_error(refused, 401, "AUTHENTICATION_FAILED")
    again = client.get("/api/v1/me/family/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.status_code == 200  # the live token is untouched


def test_expired_tokens_are_deleted_when_presented_and_at_the_next_login(family_a, password):
    _, head = family_a
    past = timezone.now() - timedelta(seconds=1)
    presented, presented_token = AuthToken.objects.create(head.user)
    other, _ = AuthToken.objects.create(head.user)
    AuthToken.objects.filter(pk__in=[presented.pk, other.pk]).update(expiry=past)
    live = bearer(head.user)

    refused = APIClient().get("/api/v1/me/family/", HTTP_AUTHORIZATION=f"Bearer {presented_token}")
    assert_error(refused, 401, "AUTHENTICATION_FAILED")
    assert not AuthToken.objects.filter(pk=presented.pk).exists()
    # A live token's request no longer sweeps the user's other tokens (a query per call)...
    assert live.get("/api/v1/me/family/").status_code == 200
    assert AuthToken.objects.filter(pk=other.pk).exists()
    # ...a login does.
    login = APIClient().post(
        "/api/v1/auth/token/", {"nik": head.nik, "password": password}, format="json"
    )
    assert login.status_code == 201
    assert not AuthToken.objects.filter(pk=other.pk).exists()
    assert AuthToken.objects.filter(user=head.user).count() == 2  # the live one and the new one


def test_logout_revokes_the_token(family_a):
    _, head = family_a
    client = bearer(head.user)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert_error(client.get("/api/v1/me/family/"), 401, "AUTHENTICATION_FAILED")


def test_no_token_is_401():
    assert_error(APIClient().get("/api/v1/me/family/"), 401, "NOT_AUTHENTICATED")


def test_eligibility_by_card_number_and_by_nik(family_a, facility_client):
    _, head = family_a
    by_card = facility_client.get(f"/api/v1/eligibility/?card_number={head.card_number}")
    by_nik = facility_client.get(f"/api/v1/eligibility/?nik={head.nik}")
    assert by_card.status_code == by_nik.status_code == 200
    body = by_card.json()
    assert body == by_nik.json()
    assert body["eligible"] is True
    assert body["status"]["reason_code"] in ("ACTIVE", "PAYMENT_DUE")
    assert (body["segment"], body["care_class"]) == ("PBPU", 3)
    assert body["nik"] != head.nik  # masked
    assert "virtual" not in str(body).lower()  # payment data is not for facilities


def test_eligibility_on_a_date_before_an_unpaid_month(facility_client):
    from datetime import date

    from participants.factories import ParticipantFactory

    p = ParticipantFactory(paid_through=date(2026, 6, 1))
    covered = facility_client.get(
        f"/api/v1/eligibility/?card_number={p.card_number}&date=2026-07-31"
    )
    lapsed = facility_client.get(
        f"/api/v1/eligibility/?card_number={p.card_number}&date=2026-08-01"
    )
    assert covered.json()["eligible"] is True
    assert (lapsed.json()["eligible"], lapsed.json()["status"]["reason_code"]) == (False, "ARREARS")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("card_number=123", "card_number"),
        ("nik=3174010199800001", "nik"),
        ("card_number=0001001010000&date=2026-02-30", "date"),
        ("", "card_number"),
        ("card_number=0001001010000&nik=3174010101800001", "card_number"),
    ],
)
def test_eligibility_bad_input_is_400(facility_client, query, field):
    body = assert_error(
        facility_client.get(f"/api/v1/eligibility/?{query}"), 400, "VALIDATION_ERROR"
    )
    assert field in body["fields"]


def test_eligibility_unknown_card_is_404(facility_client):
    assert_error(
        facility_client.get("/api/v1/eligibility/?card_number=9999999999999"), 404, "NOT_FOUND"
    )


def test_participants_may_not_call_eligibility(family_a):
    _, head = family_a
    response = bearer(head.user).get(f"/api/v1/eligibility/?card_number={head.card_number}")
    assert_error(response, 403, "FORBIDDEN")


def test_facility_may_not_read_families(facility_client):
    assert_error(facility_client.get("/api/v1/me/family/"), 403, "FORBIDDEN")


def test_errors_follow_accept_language(family_a):
    _, head = family_a
    client = APIClient()
    id_body = client.post(
        "/api/v1/auth/token/",
        {"nik": head.nik, "password": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="id",
    ).json()
    en_body = client.post(
        "/api/v1/auth/token/",
        {"nik": head.nik, "password": "x"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert en_body["message"] == "Wrong NIK/username or password."
    assert id_body["message"] != en_body["message"]


def test_schema_documents_every_endpoint_with_errors(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/family/",
        "/api/v1/participants/{card_number}/",
        "/api/v1/eligibility/",
    ):
        assert path in paths
    assert {"400", "401", "429"} <= set(paths["/api/v1/auth/token/"]["post"]["responses"])
    assert {"401", "403", "404"} <= set(
        paths["/api/v1/participants/{card_number}/"]["get"]["responses"]
    )
    assert client.get("/api/docs/").status_code == 200
