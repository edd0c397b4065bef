"""One-time code rules (issue 9 point 6): expiry, single use, 5 tries, send limits that
cannot be dodged by letter case, spaces, dots or NIK-vs-card."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.errors import CodeRefused, RateLimited
from accounts.models import OneTimeCode
from accounts.services.codes import code_consume, code_issue
from messaging.models import Message

from .conftest import solve_captcha
from .helpers import code_in_last_email, deliver_all
from .test_signup_api import identify, start

pytestmark = pytest.mark.django_db


def issue(participant, destination="budi@contoh.id", channel="EMAIL"):
    return code_issue(
        purpose=OneTimeCode.Purpose.SIGNUP,
        participant=participant,
        channel=channel,
        destination=destination,
    )


def consume(request_id, code):
    return code_consume(request_id=request_id, purpose=OneTimeCode.Purpose.SIGNUP, code=code)


def test_code_is_six_random_digits_stored_only_as_a_hash(participant):
    issued = issue(participant)
    deliver_all()
    code = code_in_last_email("budi@contoh.id")
    otc = OneTimeCode.objects.get(pk=issued.request_id)
    assert len(code) == 6 and code.isdigit()
    assert code not in otc.code_hash
    assert otc.expires_at - otc.created_at == timedelta(minutes=5)


def test_expired_code_is_refused(participant):
    issued = issue(participant)
    deliver_all()
    code = code_in_last_email("budi@contoh.id")
    OneTimeCode.objects.filter(pk=issued.request_id).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(CodeRefused) as refused:
        consume(issued.request_id, code)
    assert refused.value.code == "CODE_EXPIRED"
    assert OneTimeCode.objects.get(pk=issued.request_id).used_at is None


def test_code_works_once(participant):
    issued = issue(participant)
    deliver_all()
    code = code_in_last_email("budi@contoh.id")
    consume(issued.request_id, code)
    with pytest.raises(CodeRefused) as refused:
        consume(issued.request_id, code)
    assert refused.value.code == "CODE_USED"


def test_sixth_try_is_refused_even_with_the_right_code(participant):
    issued = issue(participant)
    deliver_all()
    code = code_in_last_email("budi@contoh.id")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    messages = []
    for _ in range(5):
        with pytest.raises(CodeRefused) as refused:
            consume(issued.request_id, wrong)
        messages.append(str(refused.value.message))
    assert messages[0] == "Kode salah. Tersisa 4 kali percobaan."
    assert messages[4] == "Kode salah. Kesempatan habis: minta kode baru."
    with pytest.raises(CodeRefused) as refused:
        consume(issued.request_id, code)
    assert refused.value.code == "CODE_TOO_MANY_ATTEMPTS"
    assert OneTimeCode.objects.get(pk=issued.request_id).attempts == 5


def test_a_new_code_replaces_the_previous_one(participant):
    first = issue(participant)
    deliver_all()
    first_code = code_in_last_email("budi@contoh.id")
    issue(participant)
    with pytest.raises(CodeRefused) as refused:
        consume(first.request_id, first_code)
    assert refused.value.code == "CODE_REPLACED"


def test_fourth_send_in_fifteen_minutes_is_refused_per_participant(participant):
    for i in range(3):
        issue(participant, destination=f"alamat{i}@contoh.id")
    with pytest.raises(RateLimited) as limited:
        issue(participant, destination="lain@contoh.id")
    assert limited.value.code == "CODE_SEND_LIMIT"
    assert 0 < limited.value.retry_after <= 15 * 60 + 1
    assert Message.objects.count() == 3


def test_send_limit_frees_up_after_the_window(participant):
    for _ in range(3):
        issue(participant)
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=16))
    issue(participant)
    assert Message.objects.count() == 4


def test_send_limit_per_destination_cannot_be_dodged_by_case_dots_or_tags(participant):
    from participants.factories import ParticipantFactory

    others = [ParticipantFactory() for _ in range(3)]
    for other, address in zip(
        others,
        ["budi.santoso@contoh.id", "BudiSantoso@contoh.id", "budisantoso+x@contoh.id"],
        strict=True,
    ):
        issue(other, destination=address.lower())
    with pytest.raises(RateLimited):
        issue(participant, destination="b.u.d.i.santoso@contoh.id")


def test_switching_between_nik_and_card_number_does_not_reset_the_limit(anon, participant):
    # Three sends asked with the NIK (spaces and dots in it), the fourth with the card number.
    typed = [participant.nik, f" {participant.nik[:4]}.{participant.nik[4:]} ", participant.nik]
    for i, number in enumerate(typed):
        token = identify(anon, number, participant.birth_date).json()["identity_token"]
        assert start(anon, token, email=f"kontak{i}@contoh.id").status_code == 202
    token = identify(anon, participant.card_number, participant.birth_date).json()["identity_token"]
    response = start(anon, token, email="kontak9@contoh.id")
    assert response.status_code == 429
    assert response.json()["code"] == "CODE_SEND_LIMIT"
    assert int(response["Retry-After"]) > 0


def test_resend_through_the_api_counts_against_the_limit(anon, participant):
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    request_id = start(anon, token).json()["request_id"]
    statuses = []
    for _ in range(3):
        response = anon.post(
            "/api/v1/accounts/codes/resend/",
            {"request_id": request_id, "purpose": "SIGNUP"},
            format="json",
        )
        statuses.append(response.status_code)
        if response.status_code == 202:
            request_id = response.json()["request_id"]
    assert statuses == [202, 202, 429]
    assert Message.objects.count() == 3


def test_wrong_code_through_the_api_counts_down(anon, participant):
    key_answer = solve_captcha()
    token = identify(anon, participant.nik, participant.birth_date, captcha=key_answer).json()[
        "identity_token"
    ]
    request_id = start(anon, token).json()["request_id"]
    deliver_all()
    wrong = f"{(int(code_in_last_email('budi.santoso@contoh.id')) + 1) % 10**6:06d}"
    response = anon.post(
        "/api/v1/accounts/signup/verify/",
        {"request_id": request_id, "code": wrong},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "CODE_WRONG"
    assert response.json()["fields"] == {"code": ["Kode salah."]}
