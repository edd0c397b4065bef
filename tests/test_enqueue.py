"""core.enqueue.enqueue_on_commit: services queue tasks by name after commit, so tasks import
services and never the reverse (issue 15.9). Without a broker (`make run`) the task runs
in-process; with one, a real worker runs it (tests/test_payments_worker.py)."""

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from participants.models import Cause, Participant
from participants.services import participants_refresh_statuses
from payments.factories import PaymentChannelFactory, family_in_arrears
from payments.models import Payment, Reactivation
from payments.services import payment_credit

pytestmark = pytest.mark.django_db


def credit(family, *, amount: int, transaction_id: str) -> Payment:
    payment, _created = payment_credit(
        channel=PaymentChannelFactory.create(code="BANK_UJI"),
        transaction_id=transaction_id,
        family=family,
        virtual_account=family.virtual_account,
        amount=amount,
        paid_at=timezone.now(),
        on=timezone.localdate(),
    )
    return payment


@pytest.fixture
def in_process_tasks():
    """The embedded default's Celery setting (no broker: tasks run in-process)."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


def test_a_settlement_queues_its_reactivation_only_after_commit(
    in_process_tasks, django_capture_on_commit_callbacks
):
    # Given a family two months in arrears holding a payment that covers them.
    family = family_in_arrears(months=2, size=2, care_class=2)
    ids = list(family.memberships.values_list("participant_id", flat=True))
    participants_refresh_statuses(participant_ids=ids, cause=Cause.DAILY_RECOMPUTE)

    # When the bank's payment is credited: nothing is sent while the transaction is open.
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        credit(family, amount=2 * 3 * 100_000, transaction_id="TX-ENQ-1")
        assert Reactivation.objects.get().state == "PENDING"

    # Then after commit the task ran (by its registered name) and the members are AKTIF.
    assert len(callbacks) == 1
    assert Reactivation.objects.get().state == "DONE"
    assert set(Participant.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"AKTIF"}


def test_a_rolled_back_settlement_queues_nothing(
    in_process_tasks, django_capture_on_commit_callbacks
):
    family = family_in_arrears(months=1, size=1, care_class=3)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        credit(family, amount=2 * 42_000, transaction_id="TX-ENQ-2")
        raise RuntimeError("the request failed after settling")

    assert callbacks == []
    assert not Reactivation.objects.exists()
    assert not Payment.objects.exists()
