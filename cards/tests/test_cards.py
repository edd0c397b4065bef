"""KIS Digital: the card page, the signed QR token and its verification by a faskes, and
"Kirim Email" with the card as a PDF."""

import re
import zlib
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.cache import cache

from core.factories import FacilityUserFactory, StaffUserFactory
from tests.conftest import bearer, make_family

from ..services import card_token_issue, card_token_read
from ..tasks import send_card_email

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> bytes:
    """The PDF's page streams, inflated: enough to find the text fpdf2 wrote."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    out = b""
    for raw in streams:
        try:
            out += zlib.decompress(raw)
        except zlib.error:
            out += raw
    return out


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


@pytest.fixture
def family():
    return make_family(3)


def _member(family, index):
    return family.memberships.order_by("-is_main", "id")[index].participant


def test_card_page_shows_the_member_with_the_nik_masked_and_a_qr_code(client, family):
    family, head = family
    child = _member(family, 1)
    client.force_login(head.user)
    response = client.get(f"/kartu/{child.card_number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert child.name in html
    assert child.card_number in html
    assert child.nik not in html
    assert f"{child.nik[:4]}********{child.nik[-4:]}" in html
    assert child.fktp.name in html
    assert "<svg" in html
    assert response["Cache-Control"].startswith("max-age=0")
    token = response.context["token"]
    assert card_token_read(token=token.token).card_number == child.card_number
    assert child.nik not in token.token
    assert token.expires_at - token.signed_at == timedelta(hours=24)


def test_another_familys_card_is_404(client, family):
    _family, head = family
    stranger_family, _stranger = make_family(1)
    client.force_login(head.user)
    stranger = _member(stranger_family, 0)
    assert client.get(f"/kartu/{stranger.card_number}/").status_code == 404
    assert client.post(f"/kartu/{stranger.card_number}/kirim-email/").status_code == 404


def test_facility_verifies_a_token_and_gets_the_live_status(family):
    family, _head = family
    child = _member(family, 2)
    token = card_token_issue(card_number=child.card_number).token
    response = bearer(FacilityUserFactory()).get(f"/api/v1/cards/verify/{token}/")
    assert response.status_code == 200
    body = response.json()
    assert body["card_number"] == child.card_number
    assert body["name"] == child.name
    assert body["status"] == "AKTIF"
    assert body["nik"] == f"{child.nik[:4]}********{child.nik[-4:]}"

    # The status is read when asked, not when the token was made.
    child.registry_hold = "DUKCAPIL_MISMATCH"
    child.save(update_fields=["registry_hold"])
    again = bearer(FacilityUserFactory()).get(f"/api/v1/cards/verify/{token}/").json()
    assert again["status"] == "PENANGGUHAN"


def test_a_tampered_token_is_refused(family):
    family, _head = family
    child, other = _member(family, 1), _member(family, 2)
    token = card_token_issue(card_number=child.card_number).token
    payload, stamp, signature = token.split(":")
    forged_payload = signing.b64_encode(f'{{"c":"{other.card_number}"}}'.encode()).decode()
    client = bearer(FacilityUserFactory())
    for bad in (f"{forged_payload}:{stamp}:{signature}", token[:-2] + "xx", "not-a-token"):
        response = client.get(f"/api/v1/cards/verify/{bad}/")
        assert response.status_code == 400, bad
        assert response.json()["code"] == "CARD_TOKEN_INVALID"


def test_a_token_signed_with_another_salt_is_refused(family):
    family, _head = family
    token = signing.dumps({"c": _member(family, 0).card_number}, salt="something-else")
    response = bearer(FacilityUserFactory()).get(f"/api/v1/cards/verify/{token}/")
    assert (response.status_code, response.json()["code"]) == (400, "CARD_TOKEN_INVALID")


def test_an_expired_token_is_refused_a_second_after_its_age(family, settings):
    family, _head = family
    token = card_token_issue(card_number=_member(family, 0).card_number).token
    client = bearer(FacilityUserFactory())
    settings.CARD_TOKEN_MAX_AGE_SECONDS = 0
    import time

    time.sleep(1.1)
    response = client.get(f"/api/v1/cards/verify/{token}/")
    assert (response.status_code, response.json()["code"]) == (400, "CARD_TOKEN_EXPIRED")
    settings.CARD_TOKEN_MAX_AGE_SECONDS = 60
    assert client.get(f"/api/v1/cards/verify/{token}/").status_code == 200


def test_who_may_verify(family):
    family, head = family
    token = card_token_issue(card_number=_member(family, 0).card_number).token
    url = f"/api/v1/cards/verify/{token}/"
    assert bearer(StaffUserFactory()).get(url).status_code == 200
    assert bearer(head.user).get(url).status_code == 403
    from rest_framework.test import APIClient

    assert APIClient().get(url).status_code == 401


def test_a_retired_card_is_404(family):
    family, _head = family
    child = _member(family, 1)
    token = card_token_issue(card_number=child.card_number).token
    from django.utils import timezone

    child.retired_at = timezone.now()
    child.save(update_fields=["retired_at"])
    assert bearer(FacilityUserFactory()).get(f"/api/v1/cards/verify/{token}/").status_code == 404


def test_send_by_email_queues_once_and_sends_the_pdf(
    client, family, django_capture_on_commit_callbacks, monkeypatch
):
    family, head = family
    head.email = "budi@example.test"
    head.save(update_fields=["email"])
    child = _member(family, 1)
    client.force_login(head.user)
    queued = []
    monkeypatch.setattr(
        "cards.tasks.send_card_email.apply_async",
        lambda args, queue=None: queued.append(tuple(args)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/kartu/{child.card_number}/kirim-email/", follow=True)
        second = client.post(f"/kartu/{child.card_number}/kirim-email/", follow=True)
    assert queued == [(child.pk, head.pk)]
    assert "budi@example.test" in first.content.decode()
    assert "kurang dari satu menit" in second.content.decode()

    assert send_card_email(child.pk, head.pk) is True
    (message,) = mail.outbox
    assert message.to == ["budi@example.test"]
    assert message.subject == f"KIS Digital {child.name}"
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (f"kis-digital-{child.card_number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert child.card_number.encode() in text
    assert f"{child.nik[:4]}********{child.nik[-4:]}".encode() in text
    assert child.nik.encode() not in text


def test_send_by_email_without_an_address_says_so(client, family):
    family, head = family
    client.force_login(head.user)
    response = client.post(f"/kartu/{_member(family, 0).card_number}/kirim-email/", follow=True)
    assert "Belum ada alamat e-mail" in response.content.decode()
    assert mail.outbox == []
