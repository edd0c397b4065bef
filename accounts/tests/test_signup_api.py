"""Account creation through /api/v1/accounts/ (issue 9 points 1, 2, 6, 7)."""

from datetime import date

import pytest
from django.core import mail
from knox.models import AuthToken

from accounts.factories import participant_with_account
from accounts.models import Account, OneTimeCode
from core.models import User
from messaging.models import Message
from participants.factories import ParticipantFactory

from .conftest import solve_captcha
from .helpers import code_in_last_email, code_in_last_sms, deliver_all

pytestmark = pytest.mark.django_db

PASSWORD = "Kopi-Susu-77!"


def identify(client, identifier, birth_date, captcha=None, url="signup"):
    key, answer = captcha or solve_captcha()
    return client.post(
        f"/api/v1/accounts/{url}/identify/",
        {
            "identifier": identifier,
            "birth_date": birth_date.isoformat(),
            "captcha_key": key,
            "captcha_value": answer,
        },
        format="json",
    )


def start(client, token, email="budi.santoso@contoh.id", channel="EMAIL", password=PASSWORD):
    return client.post(
        "/api/v1/accounts/signup/",
        {
            "identity_token": token,
            "email": email,
            "phone": "0812-3456-7890",
            "password": password,
            "channel": channel,
        },
        format="json",
    )


def test_whole_signup_by_email_then_token_login_with_card_number(
    anon, participant, django_capture_on_commit_callbacks
):
    participant.name = "Budi Santoso"
    participant.save(update_fields=["name"])
    # Given: the participant types the NIK with spaces, as printed on the KTP
    nik_typed = f"{participant.nik[:6]} {participant.nik[6:12]} {participant.nik[12:]}"
    response = identify(anon, nik_typed, participant.birth_date)
    assert response.status_code == 200, response.json()
    assert response.json()["masked_name"] == "BU** SA*****"

    # When: they choose e-mail, and the message is sent after commit
    with django_capture_on_commit_callbacks() as callbacks:
        response = start(anon, response.json()["identity_token"])
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["channel"] == "EMAIL"
    assert body["destination_masked"] == "bu**********@contoh.id"
    assert len(callbacks) == 1  # the send task, queued on commit
    assert Message.objects.get().state == Message.State.QUEUED
    assert User.objects.filter(username=participant.nik).count() == 0  # nothing yet
    deliver_all()
    assert Message.objects.get().state == Message.State.SENT
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject.startswith("Kode JKN Portal") or "JKN Portal" in email.subject
    assert email.alternatives and email.alternatives[0][1] == "text/html"
    code = code_in_last_email("budi.santoso@contoh.id")

    # Then: the code creates the account
    response = anon.post(
        "/api/v1/accounts/signup/verify/",
        {"request_id": body["request_id"], "code": code},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {"username": participant.nik, "card_number": participant.card_number}
    participant.refresh_from_db()
    account = Account.objects.get(user=participant.user)
    assert account.email == "budi.santoso@contoh.id"
    assert account.phone == "+6281234567890"
    assert account.email_verified_at is not None and account.phone_verified_at is None
    assert participant.user.check_password(PASSWORD)
    assert OneTimeCode.objects.get().payload == {"language": "id"}  # no password hash left

    # And: the participant gets a token with the card number
    response = anon.post(
        "/api/v1/auth/token/",
        {"username": participant.card_number, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_signup_by_sms_uses_the_sms_outbox(anon, participant):
    token = identify(anon, participant.card_number, participant.birth_date).json()["identity_token"]
    body = start(anon, token, channel="SMS").json()
    assert body["destination_masked"] == "0812****7890"
    deliver_all()
    sms = Message.objects.get(channel="SMS")
    assert sms.destination == "+6281234567890"
    assert sms.state == Message.State.SENT and sms.provider_id.startswith("outbox:")
    code = code_in_last_sms("+6281234567890")
    response = anon.post(
        "/api/v1/accounts/signup/verify/", {"request_id": body["request_id"], "code": code}
    )
    assert response.status_code == 201
    assert Account.objects.get().phone_verified_at is not None


def test_wrong_birth_date_is_refused(anon, participant):
    response = identify(anon, participant.nik, date(1990, 1, 1))
    assert response.status_code == 400
    assert response.json()["code"] == "BIRTH_DATE_MISMATCH"
    assert "birth_date" in response.json()["fields"]


def test_failed_bot_check_is_refused_and_the_picture_cannot_be_retried(anon, participant):
    key, answer = solve_captcha()
    response = identify(anon, participant.nik, participant.birth_date, captcha=(key, "999"))
    assert response.status_code == 400
    assert response.json()["code"] == "BOT_CHECK_FAILED"
    # The right answer to the same picture no longer works: one answer per picture.
    response = identify(anon, participant.nik, participant.birth_date, captcha=(key, answer))
    assert response.json()["code"] == "BOT_CHECK_FAILED"


def test_nik_not_a_participant_says_how_to_register(anon):
    response = identify(anon, "3174014107900002", date(1990, 7, 1))
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "NOT_A_PARTICIPANT"
    assert "165" in body["message"]


def test_account_exists_says_what_next_without_revealing_contacts(anon):
    existing = participant_with_account(email="siti.rahma@contoh.id", phone="+6281298765432")
    response = identify(anon, existing.nik, existing.birth_date)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ACCOUNT_EXISTS"
    assert "si********@contoh.id" in body["message"]
    assert "0812****5432" in body["message"]
    assert "siti.rahma" not in body["message"] and "98765432" not in body["message"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("kopisusu77!", "upper-case"),
        ("Pendek1!", None),  # 8 characters with every class: accepted shape, see below
        ("Password1!", "common"),
    ],
)
def test_password_rules(anon, participant, password, reason):
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    response = start(anon, token, password=password)
    if reason is None:
        assert response.status_code == 202
        return
    assert response.status_code == 400
    assert response.json()["fields"]["password"]
    assert Message.objects.count() == 0


def test_password_built_from_the_nik_is_refused(anon, participant):
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    response = start(anon, token, password=f"Ab!{participant.nik[4:12]}")
    assert response.status_code == 400
    assert "NIK" in response.json()["fields"]["password"][0]


def test_password_like_the_name_is_refused(anon, participant):
    participant.name = "Budi Santoso"
    participant.save(update_fields=["name"])
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    response = start(anon, token, password="Santoso-2!")
    assert response.status_code == 400
    assert response.json()["fields"]["password"] == ["Kata sandi terlalu mirip dengan nama depan."]


def test_one_email_per_account_whatever_the_letter_case(anon, participant):
    participant_with_account(email="budi@contoh.id")
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    response = start(anon, token, email="  BUDI@Contoh.ID ")
    assert response.status_code == 409
    assert response.json()["code"] == "EMAIL_TAKEN"


def test_identify_is_rate_limited_per_ip(anon, participant, settings):
    settings.ACCOUNTS_IDENTIFY_RATE = "3/15m"
    for _ in range(3):
        assert identify(anon, participant.nik, participant.birth_date).status_code == 200
    response = identify(anon, participant.nik, participant.birth_date)
    assert response.status_code == 429
    assert response.json()["code"] == "RATE_LIMITED"
    assert int(response["Retry-After"]) > 0


def test_a_second_participant_cannot_use_a_request_of_the_first(anon, participant):
    other = ParticipantFactory()
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    body = start(anon, token).json()
    deliver_all()
    code = code_in_last_email("budi.santoso@contoh.id")
    # The request id belongs to the signup flow; Lupa Password of anyone refuses it.
    response = anon.post(
        "/api/v1/accounts/password-reset/confirm/",
        {"request_id": body["request_id"], "code": code, "new_password": PASSWORD},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "CODE_NOT_FOUND"
    assert other.user is None
    assert AuthToken.objects.count() == 0
