"""Messages: one per event, sent after commit, recorded with their state, retried; the HTTP
SMS adapter against a fake gateway running as its own process."""

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.core import mail

from messaging.models import Message
from messaging.services import message_queue, message_retry, message_send, messages_requeue_due

pytestmark = pytest.mark.django_db

FAKE = Path(__file__).with_name("fake_sms_gateway.py")


def queue_code(event_key="account-code:1", channel="SMS", destination="+6281234567890"):
    return message_queue(
        event_key=event_key,
        channel=channel,
        destination=destination,
        template="account_code",
        context={"code": "482913", "purpose": "membuat akun", "minutes": 5},
    )


def test_one_event_gives_one_message_queued_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue_code()
        second = queue_code()
    assert first.pk == second.pk
    assert Message.objects.count() == 1
    assert len(callbacks) == 1


def test_sending_twice_sends_once():
    message = queue_code(channel="EMAIL", destination="budi@contoh.id")
    assert message_send(message_id=message.pk).state == Message.State.SENT
    assert message_send(message_id=message.pk) is None
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert "482913" in email.body
    assert "482913" in email.alternatives[0][0]
    assert email.extra_headers["Message-ID"].startswith("<account-code.1@")


def test_email_is_written_in_the_participants_language():
    message_queue(
        event_key="e:en",
        channel="EMAIL",
        destination="budi@contoh.id",
        template="account_code",
        context={"code": "482913", "purpose": "creating your account", "minutes": 5},
        language="en",
    )
    message_queue(
        event_key="e:id",
        channel="EMAIL",
        destination="budi@contoh.id",
        template="account_code",
        context={"code": "482913", "purpose": "membuat akun", "minutes": 5},
    )
    assert Message.objects.get(event_key="e:en").subject == "JKN Portal code: 482913"
    assert Message.objects.get(event_key="e:id").subject == "Kode JKN Portal: 482913"


def test_bodies_are_erased_after_sending_in_production(settings):
    settings.MESSAGING_KEEP_BODIES = False
    message = message_send(message_id=queue_code().pk)
    message.refresh_from_db()
    assert (message.state, message.body_text, message.body_erased) == ("SENT", "", True)


@pytest.fixture
def gateway(request, settings) -> Iterator[str]:
    """The fake provider as its own process; arguments from @pytest.mark.gateway_args."""
    marker = request.node.get_closest_marker("gateway_args")
    args = list(marker.args) if marker else []
    proc = subprocess.Popen(  # noqa: S603 - our own test script
        [sys.executable, str(FAKE), *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = f"http://127.0.0.1:{int(line.split()[1])}"
        settings.MESSAGING_SMS_GATEWAY = "messaging.gateways.HttpSmsGateway"
        settings.SMS_GATEWAY_URL = f"{url}/send"
        settings.SMS_GATEWAY_API_KEY = "fake-key"
        settings.SMS_GATEWAY_BACKOFF_SECONDS = 0.01
        settings.SMS_GATEWAY_TIMEOUT = 0.5
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def received(url: str) -> list[dict]:
    return requests.get(f"{url}/_received", timeout=5).json()


def test_http_gateway_sends_with_key_and_reference(gateway):
    message = message_send(message_id=queue_code().pk)
    assert message.state == Message.State.SENT
    assert message.provider_id == "fake-1"
    [seen] = received(gateway)
    assert seen["body"]["to"] == "+6281234567890"
    assert "482913" in seen["body"]["text"]
    assert seen["idempotency_key"] == "account-code:1"
    assert seen["authorization"] == "Bearer fake-key"


@pytest.mark.gateway_args("--fail-first", "2")
def test_http_gateway_retries_5xx_within_an_attempt(gateway):
    message = message_send(message_id=queue_code().pk)
    assert (message.state, message.attempts) == ("SENT", 1)
    seen = received(gateway)
    assert len(seen) == 3
    assert {s["idempotency_key"] for s in seen} == {"account-code:1"}


@pytest.mark.gateway_args("--fail-first", "100", "--fail-status", "500")
def test_gateway_down_is_retried_later_then_failed_for_staff(
    gateway, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGING_MAX_ATTEMPTS = 2
    message = message_send(message_id=queue_code().pk)
    assert message.state == Message.State.RETRY
    assert message.last_error == "gateway answered 500"
    assert message.next_attempt_at is not None
    # The sweep takes it again once its time has come.
    Message.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
    with django_capture_on_commit_callbacks() as callbacks:
        assert messages_requeue_due() == 1
    assert len(callbacks) == 1
    message = message_send(message_id=message.pk)
    assert (message.state, message.attempts) == ("FAILED", 2)


@pytest.mark.gateway_args("--reject")
def test_refused_number_fails_at_once(gateway):
    message = message_send(message_id=queue_code().pk)
    assert (message.state, message.attempts) == ("FAILED", 1)
    assert message.last_error.startswith("gateway refused: 400")


@pytest.mark.gateway_args("--delay", "2")
def test_slow_gateway_times_out(gateway, settings):
    settings.SMS_GATEWAY_RETRIES = 0
    started = time.monotonic()
    message = message_send(message_id=queue_code().pk)
    assert time.monotonic() - started < 1.8
    assert message.state == Message.State.RETRY
    assert "unreachable" in message.last_error


def test_staff_retry_queues_a_failed_message_again(django_capture_on_commit_callbacks):
    from core.factories import StaffUserFactory

    message = queue_code()
    Message.objects.filter(pk=message.pk).update(state=Message.State.FAILED, attempts=4)
    with django_capture_on_commit_callbacks() as callbacks:
        message = message_retry(message=message, actor=StaffUserFactory())
    assert message.state == Message.State.QUEUED
    assert len(callbacks) == 1
    assert message_send(message_id=message.pk).state == Message.State.SENT
