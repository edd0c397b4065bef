"""Lupa Password through the API (issue 9 point 4): every session and token ends."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from knox.models import AuthToken

from accounts.factories import participant_with_account
from accounts.models import AccountAuditEntry, SessionRecord
from core.factories import DEMO_PASSWORD
from messaging.models import Message

from .helpers import code_in_last_email, code_in_last_sms, deliver_all
from .test_signup_api import identify

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Teh-Manis-2027?"


@pytest.fixture
def member():
    return participant_with_account(email="rina.wati@contoh.id", phone="+6285712345678")


def reset_start(anon, member, channel="EMAIL", number=None):
    response = identify(anon, number or member.nik, member.birth_date, url="password-reset")
    assert response.status_code == 200, response.json()
    body = response.json()
    response = anon.post(
        "/api/v1/accounts/password-reset/",
        {"identity_token": body["identity_token"], "channel": channel},
        format="json",
    )
    assert response.status_code == 202, response.json()
    return body, response.json()


def test_reset_by_email_changes_password_and_revokes_every_session_and_token(anon, member, client):
    # Given: the participant is logged in in a browser and holds two API tokens
    client.force_login(member.user)
    AuthToken.objects.create(member.user)
    AuthToken.objects.create(member.user)
    assert SessionRecord.objects.filter(user=member.user).count() == 1

    identity, issued = reset_start(anon, member)
    assert identity["channels"] == [
        {"channel": "EMAIL", "destination_masked": "ri*******@contoh.id"},
        {"channel": "SMS", "destination_masked": "0857****5678"},
    ]
    deliver_all()
    code = code_in_last_email("rina.wati@contoh.id")

    response = anon.post(
        "/api/v1/accounts/password-reset/confirm/",
        {"request_id": issued["request_id"], "code": code, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 204
    member.user.refresh_from_db()
    assert member.user.check_password(NEW_PASSWORD)
    assert AuthToken.objects.filter(user=member.user).count() == 0
    assert SessionRecord.objects.filter(user=member.user).count() == 0
    assert Session.objects.count() == 0
    assert client.get("/info-peserta/").status_code == 302  # the old browser session is gone
    assert list(member.user.account.audit.values_list("action", flat=True)) == [
        AccountAuditEntry.Action.PASSWORD_RESET
    ]
    # And a notice of the change goes to the same contact, once.
    deliver_all()
    assert [m.template for m in Message.objects.order_by("id")] == [
        "account_code",
        "password_changed",
    ]
    assert len(mail.outbox) == 2


def test_reset_by_sms_with_the_card_number(anon, member):
    _identity, issued = reset_start(anon, member, channel="SMS", number=member.card_number)
    deliver_all()
    code = code_in_last_sms("+6285712345678")
    response = anon.post(
        "/api/v1/accounts/password-reset/confirm/",
        {"request_id": issued["request_id"], "code": code, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 204


def test_weak_new_password_does_not_use_up_the_code(anon, member):
    _identity, issued = reset_start(anon, member)
    deliver_all()
    code = code_in_last_email("rina.wati@contoh.id")
    response = anon.post(
        "/api/v1/accounts/password-reset/confirm/",
        {"request_id": issued["request_id"], "code": code, "new_password": "abcdefgh"},
        format="json",
    )
    assert response.status_code == 400
    assert "new_password" in response.json()["fields"]
    member.user.refresh_from_db()
    assert member.user.check_password(DEMO_PASSWORD)
    response = anon.post(
        "/api/v1/accounts/password-reset/confirm/",
        {"request_id": issued["request_id"], "code": code, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 204


def test_reset_for_unknown_or_wrong_birth_date_reveals_nothing(anon, member, participant):
    from datetime import date

    wrong_birth = identify(anon, member.nik, date(2000, 2, 2), url="password-reset")
    no_account = identify(anon, participant.nik, participant.birth_date, url="password-reset")
    assert wrong_birth.status_code == no_account.status_code == 404
    assert wrong_birth.json() == no_account.json()
    assert wrong_birth.json()["code"] == "NO_ACCOUNT"
