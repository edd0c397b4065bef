"""On PostgreSQL + Redis: a real Celery worker sends what a committed transaction queued, and
two senders racing for one message send it once."""

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from messaging.models import Message
from messaging.services import message_queue, message_send

pytestmark = [pytest.mark.django_db(transaction=True)]


def queue(event_key: str, destination: str) -> Message:
    return message_queue(
        event_key=event_key,
        channel="EMAIL",
        destination=destination,
        template="account_code",
        context={"code": "735102", "purpose": "membuat akun", "minutes": 5},
    )


@pytest.mark.worker
def test_worker_sends_after_commit_and_the_mail_file_holds_the_code(
    celery_worker_process, settings
):
    settings.MESSAGING_QUEUE = celery_worker_process
    mail_dir = Path(django_settings.EMAIL_FILE_PATH)
    before = set(mail_dir.glob("*.log")) if mail_dir.exists() else set()
    with transaction.atomic():
        message = queue("worker:1", "worker.test@contoh.id")
        queue("worker:1", "worker.test@contoh.id")  # the same event again: nothing more
    for _ in range(100):
        message.refresh_from_db()
        if message.state == Message.State.SENT:
            break
        time.sleep(0.2)
    assert message.state == Message.State.SENT
    assert message.attempts == 1
    written = [p for p in mail_dir.glob("*.log") if p not in before]
    text = "".join(p.read_text() for p in written)
    assert text.count("To: worker.test@contoh.id") == 1
    assert "735102" in text


@pytest.mark.postgres
def test_two_workers_racing_for_one_message_send_it_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []
    message = queue("race:1", "race@contoh.id")
    results: list[object] = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        try:
            results.append(message_send(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in results if r is not None) == 1
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("SENT", 1)
