"""PIN (point 5), sessions and tokens (point 3), and that nobody reaches another's."""

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from knox.models import AuthToken

from accounts.factories import participant_with_account
from accounts.models import Account, AccountAuditEntry, SessionRecord
from core.factories import DEMO_PASSWORD
from tests.conftest import bearer

from .helpers import code_in_last_email, deliver_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return participant_with_account(email="andi@contoh.id")


@pytest.fixture
def other():
    return participant_with_account(email="lain@contoh.id")


def test_first_pin_is_stored_hashed_and_a_second_set_is_refused(member):
    api = bearer(member.user)
    assert api.post("/api/v1/accounts/pin/", {"pin": "190845"}).status_code == 204
    account = Account.objects.get(user=member.user)
    assert account.pin_hash and "190845" not in account.pin_hash
    response = api.post("/api/v1/accounts/pin/", {"pin": "555123"})
    assert response.status_code == 409
    assert response.json()["code"] == "PIN_ALREADY_SET"
    assert api.post("/api/v1/accounts/pin/verify/", {"pin": "190845"}).status_code == 204


@pytest.mark.parametrize("pin", ["123456", "111111", "12345", "abcdef"])
def test_easy_or_malformed_pin_is_refused(member, pin):
    response = bearer(member.user).post("/api/v1/accounts/pin/", {"pin": pin})
    assert response.status_code == 400
    assert "pin" in response.json()["fields"]
    assert Account.objects.get(user=member.user).pin_hash == ""


def test_five_wrong_pins_lock_pin_use_even_for_the_right_pin(member):
    api = bearer(member.user)
    api.post("/api/v1/accounts/pin/", {"pin": "190845"})
    codes = [api.post("/api/v1/accounts/pin/verify/", {"pin": "000111"}) for _ in range(5)]
    assert [r.status_code for r in codes] == [400, 400, 400, 400, 429]
    assert codes[3].json()["message"] == "PIN salah. Tersisa 1 kali percobaan sebelum PIN dikunci."
    assert codes[4].json()["code"] == "PIN_LOCKED"
    assert 29 * 60 < int(codes[4]["Retry-After"]) <= 30 * 60
    response = api.post("/api/v1/accounts/pin/verify/", {"pin": "190845"})
    assert response.status_code == 429
    assert response.json()["code"] == "PIN_LOCKED"
    account = Account.objects.get(user=member.user)
    assert account.pin_locked_until > timezone.now() + timezone.timedelta(minutes=29)
    assert account.audit.filter(action=AccountAuditEntry.Action.PIN_LOCKED).count() == 1


def test_pin_change_needs_password_and_a_code_and_ends_a_lock(member):
    api = bearer(member.user)
    api.post("/api/v1/accounts/pin/", {"pin": "190845"})
    for _ in range(5):
        api.post("/api/v1/accounts/pin/verify/", {"pin": "000111"})
    wrong = api.post("/api/v1/accounts/pin/change/", {"password": "salah", "channel": "EMAIL"})
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "PASSWORD_WRONG"
    issued = api.post(
        "/api/v1/accounts/pin/change/", {"password": DEMO_PASSWORD, "channel": "EMAIL"}
    )
    assert issued.status_code == 202
    deliver_all()
    code = code_in_last_email("andi@contoh.id")
    done = api.post(
        "/api/v1/accounts/pin/change/confirm/",
        {"request_id": issued.json()["request_id"], "code": code, "new_pin": "270391"},
    )
    assert done.status_code == 204
    assert api.post("/api/v1/accounts/pin/verify/", {"pin": "270391"}).status_code == 204


def test_another_participant_cannot_use_my_pin_change_code(member, other):
    mine = bearer(member.user)
    mine.post("/api/v1/accounts/pin/", {"pin": "190845"})
    issued = mine.post(
        "/api/v1/accounts/pin/change/", {"password": DEMO_PASSWORD, "channel": "EMAIL"}
    ).json()
    deliver_all()
    code = code_in_last_email("andi@contoh.id")
    theirs = bearer(other.user)
    response = theirs.post(
        "/api/v1/accounts/pin/change/confirm/",
        {"request_id": issued["request_id"], "code": code, "new_pin": "270391"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "CODE_NOT_FOUND"
    resend = theirs.post(
        "/api/v1/accounts/codes/resend/",
        {"request_id": issued["request_id"], "purpose": "PIN_CHANGE"},
    )
    assert resend.json()["code"] == "CODE_NOT_FOUND"
    assert Account.objects.get(user=other.user).pin_hash == ""


def test_sessions_and_tokens_listed_and_ended_only_by_their_owner(member, other, client):
    assert (
        client.post(
            "/masuk/",
            {"username": member.card_number, "password": DEMO_PASSWORD, "remember_me": "on"},
        ).status_code
        == 302
    )
    record = SessionRecord.objects.get(user=member.user)
    assert record.remember is True
    session = Session.objects.get(session_key=record.session_key)
    assert session.expire_date > timezone.now() + timezone.timedelta(days=13)

    api = bearer(member.user)
    listed = api.get("/api/v1/accounts/sessions/").json()
    assert [s["id"] for s in listed] == [record.pk]
    tokens = api.get("/api/v1/accounts/tokens/").json()
    assert len(tokens) == 1 and tokens[0]["current"] is True

    intruder = bearer(other.user)
    assert intruder.get("/api/v1/accounts/sessions/").json() == []
    assert intruder.delete(f"/api/v1/accounts/sessions/{record.pk}/").status_code == 404
    my_token_key = tokens[0]["token_key"]
    assert intruder.delete(f"/api/v1/accounts/tokens/{my_token_key}/").status_code == 404
    assert Session.objects.filter(session_key=record.session_key).exists()
    assert AuthToken.objects.filter(user=member.user).count() == 1

    assert api.delete(f"/api/v1/accounts/sessions/{record.pk}/").status_code == 204
    assert client.get("/info-peserta/").status_code == 302  # logged out
    assert api.delete(f"/api/v1/accounts/tokens/{my_token_key}/").status_code == 204
    assert api.get("/api/v1/accounts/me/").status_code == 401


def test_login_without_remember_me_ends_with_the_browser(member, client):
    client.post("/masuk/", {"username": member.nik, "password": DEMO_PASSWORD})
    assert client.session.get_expire_at_browser_close() is True
    assert SessionRecord.objects.get(user=member.user).remember is False


def test_me_shows_the_callers_own_account(member):
    body = bearer(member.user).get("/api/v1/accounts/me/").json()
    assert body == {
        "username": member.nik,
        "email": "andi@contoh.id",
        "phone": "+6281234567890",
        "email_verified": True,
        "phone_verified": True,
        "has_pin": False,
        "pin_locked_until": None,
    }


def test_a_session_past_its_expiry_signs_nobody_in(member, client):
    client.post("/masuk/", {"username": member.nik, "password": DEMO_PASSWORD})
    assert client.get("/akun/").status_code == 200
    key = SessionRecord.objects.get(user=member.user).session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = client.get("/akun/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
