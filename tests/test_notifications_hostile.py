"""Hostile or broken deliveries to the payment notification endpoint (issue 7 points 2, 10).

Whatever arrives, the answer is 4xx in the error shape, and the stored delivery ends in a
final state with its reason (never left RECEIVED); floods are limited and stored compactly."""

import json

import pytest
from django.test import Client

from payments.factories import PaymentChannelFactory, family_in_arrears, signed
from payments.models import Payment, PaymentNotification
from payments.services import sign

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

URL = "/api/v1/payments/notifications/"


@pytest.fixture
def channel():
    return PaymentChannelFactory(code="BANK_UJI")


def body_with(**fields) -> bytes:
    data = {
        "transaction_id": "TX-HOSTILE",
        "virtual_account": "8888800000000001",
        "amount": 100_000,
        "paid_at": "2026-11-21T10:15:00+07:00",
    }
    data.update(fields)
    return json.dumps(data).encode()


def deliver(client: Client, headers: dict[str, str], body: bytes):
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        headers=headers,
    )


@pytest.mark.parametrize(
    ("paid_at", "case"),
    [
        ("9999-12-31T23:59:59-14:00", "year 9999"),
        ("0001-01-01T00:00:00+07:00", "year 1"),
        ("2026-02-30T10:00:00+07:00", "no such day"),
        ("2099-01-01T00:00:00+07:00", "far future"),
        ("1990-01-01T00:00:00+07:00", "before JKN"),
    ],
)
def test_an_impossible_paid_at_is_a_field_error_and_the_delivery_is_final(
    client, channel, paid_at, case
):
    family = family_in_arrears(months=1, size=1)
    message = signed(channel, body_with(paid_at=paid_at, virtual_account=family.virtual_account))

    response = deliver(client, message.headers, message.body)

    assert response.status_code == 400, case
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert list(response.json()["fields"]) == ["paid_at"]
    stored = PaymentNotification.objects.get()
    assert (stored.outcome, stored.error_code) == ("MALFORMED", "VALIDATION_ERROR")
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    "timestamp", ["9" * 40, "1" * 13, "\u00b2", "\u0661\u0662\u0663", "-1", " 1 ", ""]
)
def test_an_odd_or_overlong_timestamp_is_a_field_error(client, channel, timestamp):
    body = body_with()
    headers = {
        "X-Channel-Id": channel.code,
        "X-Timestamp": timestamp,
        "X-Signature": sign(secret=channel.secret, timestamp=timestamp, raw_body=body),
    }

    response = deliver(client, headers, body)

    assert response.status_code == 400
    assert response.json()["fields"] == {"X-Timestamp": ["Kirim waktu Unix dalam detik."]}
    assert PaymentNotification.objects.get().outcome == "MALFORMED"


def test_deeply_nested_json_is_a_field_error_on_the_body(client, channel):
    body = b"[" * 50_000 + b"]" * 50_000
    message = signed(channel, body)

    response = deliver(client, message.headers, message.body)

    assert response.status_code == 400
    assert response.json()["fields"] == {"body": ["Isi permintaan bukan JSON yang valid."]}
    stored = PaymentNotification.objects.get()
    assert (stored.outcome, stored.error_code) == ("MALFORMED", "VALIDATION_ERROR")


def test_a_non_ascii_signature_is_refused_not_a_crash(client, channel):
    body = body_with()
    message = signed(channel, body)

    response = deliver(client, {**message.headers, "X-Signature": "\u00e9" * 64}, body)

    assert response.status_code == 401
    assert response.json()["code"] == "BAD_SIGNATURE"
    assert PaymentNotification.objects.get().outcome == "REJECTED"


def test_nul_bytes_in_the_body_and_channel_are_stored_readably(client, channel):
    body = b'{"transaction_id": "\x00"}'
    message = signed(channel, body)

    response = deliver(client, {**message.headers, "X-Channel-Id": "BANK\x00UJI"}, body)

    assert response.status_code == 401
    stored = PaymentNotification.objects.get()
    assert (stored.outcome, stored.error_code) == ("REJECTED", "UNKNOWN_CHANNEL")
    assert stored.channel_code == "BANK\ufffdUJI"
    assert stored.body == '{"transaction_id": "\ufffd"}'


def test_a_failure_on_our_side_leaves_the_delivery_failed_not_received(
    client, channel, monkeypatch
):
    # Given a bug or outage while crediting (here: the credit raises).
    family = family_in_arrears(months=1, size=1)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("payments.services.notifications.receive.payment_credit", broken)
    message = signed(channel, body_with(virtual_account=family.virtual_account, amount=200_000))
    client.raise_request_exception = False

    response = deliver(client, message.headers, message.body)

    assert response.status_code == 500
    stored = PaymentNotification.objects.get()
    assert (stored.outcome, stored.error_code) == ("FAILED", "INTERNAL_ERROR")


def test_anonymous_floods_are_limited_per_address_and_stored_compactly(client, settings):
    # Given a sender with a channel code we do not know and 16 KB bodies.
    body = b'{"x": "' + b"A" * 16_000 + b'"}'
    headers = {"X-Channel-Id": "BANK_PALSU", "X-Timestamp": "1", "X-Signature": "0" * 64}

    answers = [deliver(client, headers, body).status_code for _ in range(25)]

    # Then 20 a minute are answered (and stored, 1 KB each), the rest get 429 in the shape.
    assert answers == [401] * 20 + [429] * 5
    limited = deliver(client, headers, body)
    assert limited.json()["code"] == "RATE_LIMITED"
    assert int(limited["Retry-After"]) > 0
    stored = PaymentNotification.objects.all()
    assert stored.count() == 20
    assert {len(n.body) for n in stored} == {1024}
    # Another address is not affected.
    other = deliver(Client(REMOTE_ADDR="10.1.2.3"), headers, body)
    assert other.status_code == 401


def test_a_known_channel_is_limited_per_channel_and_address_far_more_loosely(
    client, channel, monkeypatch
):
    from payments.api.views import NotificationThrottle

    rates = {**NotificationThrottle.THROTTLE_RATES, "notification": "30/min"}
    monkeypatch.setattr(NotificationThrottle, "THROTTLE_RATES", rates)

    answers = []
    for i in range(31):
        message = signed(channel, body_with(transaction_id=f"TX-{i}"))
        answers.append(deliver(client, message.headers, message.body).status_code)

    # Unknown VA answers 409 (past the 20 an unknown channel gets); past 30 a minute the
    # bank is told to wait.
    assert answers == [409] * 30 + [429]
