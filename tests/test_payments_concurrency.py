"""Concurrency on PostgreSQL: parallel deliveries, each request on its own connection.

The unique (channel, transaction id) key and the family row lock decide, not the code's
timing: 20 copies of one notification credit once; 10 different partial payments of one
family racing each other settle its bills exactly once."""

import threading
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from payments.factories import (
    PaymentChannelFactory,
    family_in_arrears,
    notification_body,
    signed,
)
from payments.models import Bill, Payment, PaymentNotification, Reactivation
from payments.services import payment_credit, reactivation_apply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/payments/notifications/"


@pytest.fixture
def lost_queue(settings):
    """Reactivations queued on commit go to a queue no worker reads (the worker tests run
    them); it is deleted afterwards."""
    queue = f"test-lost-{uuid.uuid4().hex[:8]}"
    settings.PAYMENTS_QUEUE = queue
    yield queue
    if django_settings.CELERY_BROKER_URL.startswith("redis://"):
        client = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


def deliver_in_parallel(messages) -> list:
    """POST every message at the same moment, one thread (and connection) each."""
    barrier = threading.Barrier(len(messages))
    responses: list = [None] * len(messages)

    def deliver(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            responses[i] = Client().post(
                URL,
                data=messages[i].body,
                content_type="application/json",
                **messages[i].client_headers(),
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(len(messages))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return responses


def test_the_same_notification_20_times_at_once_credits_once(lost_queue):
    # Given a family with 1 month of arrears: Rp600.000 for 3 members, 2 months.
    family = family_in_arrears(months=1, size=3, care_class=2)
    channel = PaymentChannelFactory()
    message = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=600_000)
    )

    # When the bank delivers it 20 times in parallel.
    responses = deliver_in_parallel([message] * 20)

    # Then every delivery gets the same 200 answer, and the money is credited once.
    assert [r.status_code for r in responses] == [200] * 20
    assert len({r.content for r in responses}) == 1
    assert responses[0].json()["result"] == "SETTLED"
    payment = Payment.objects.get()
    assert (payment.amount, payment.allocated_amount) == (600_000, 600_000)
    assert list(Bill.objects.values_list("state", "paid_amount")) == [("PAID", 300_000)] * 2
    assert Reactivation.objects.count() == 1
    outcomes = list(PaymentNotification.objects.values_list("outcome", flat=True))
    assert sorted(outcomes) == ["ACCEPTED"] + ["DUPLICATE"] * 19
    assert set(PaymentNotification.objects.values_list("payment_id", flat=True)) == {payment.pk}


def test_ten_partial_payments_of_one_family_at_once_settle_its_bills_once(lost_queue):
    family = family_in_arrears(months=1, size=3, care_class=2)  # Rp600.000 due
    channel = PaymentChannelFactory()
    messages = [
        signed(
            channel,
            notification_body(
                virtual_account=family.virtual_account,
                amount=60_000,
                transaction_id=f"PART-{i}",
            ),
        )
        for i in range(10)
    ]

    responses = deliver_in_parallel(messages)

    assert [r.status_code for r in responses] == [200] * 10
    results = sorted(r.json()["result"] for r in responses)
    # The last to take the family's lock completes the amount; the others were held.
    assert results == ["PARTIAL"] * 9 + ["SETTLED"]
    assert Payment.objects.count() == 10
    assert sum(Payment.objects.values_list("allocated_amount", flat=True)) == 600_000
    assert list(Bill.objects.values_list("state", flat=True)) == ["PAID", "PAID"]
    assert Reactivation.objects.count() == 1
    remaining = sorted(r.json()["remaining"]["amount"] for r in responses)
    assert remaining == [
        0,
        60_000,
        120_000,
        180_000,
        240_000,
        300_000,
        360_000,
        420_000,
        480_000,
        540_000,
    ]


def test_a_reactivation_is_applied_while_another_one_holds_the_shared_channel(lost_queue):
    # Given two settled payments through the same channel, their reactivations pending.
    channel = PaymentChannelFactory()
    reactivations = []
    for tx in ("R-1", "R-2"):
        family = family_in_arrears(months=1, size=1, care_class=2)
        payment_credit(
            channel=channel,
            transaction_id=tx,
            family=family,
            virtual_account=family.virtual_account,
            amount=200_000,
            paid_at=timezone.now(),
            on=timezone.localdate(),
        )
        reactivations.append(Reactivation.objects.get(family=family))
    first, second = reactivations
    locked, release = threading.Event(), threading.Event()

    def another_worker_applying_the_first() -> None:
        try:
            with transaction.atomic():
                Reactivation.objects.select_for_update().select_related("payment__channel").get(
                    pk=first.pk
                )
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=another_worker_applying_the_first)
    holder.start()
    assert locked.wait(timeout=30)
    try:
        # When this worker applies the second, and is handed the first too.
        applied = reactivation_apply(reactivation_id=second.pk)
        skipped = reactivation_apply(reactivation_id=first.pk)
    finally:
        release.set()
        holder.join(timeout=30)

    # Then the second is applied (the channel they share does not block it), and the first is
    # left to whoever holds it, without waiting.
    assert applied is not None and applied.state == "DONE"
    assert skipped is None
    assert Reactivation.objects.get(pk=first.pk).state == "PENDING"
