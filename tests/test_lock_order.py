"""One lock order on PostgreSQL: the writers that lock many participants at once (the nightly
recompute and month end, payment reactivation, the Dukcapil sync) run against each other for
many rounds, each in its own thread, connection and transaction, and none deadlocks.

Card numbers here run against the ids, as they do in real data (cards issued by the portal,
"0002...", come after imported ones): a writer that locked in card-number order and one that
locked in id order would wait for each other until PostgreSQL killed one."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import OperationalError, connections

from participants.factories import ParticipantFactory, months_ago
from participants.models import Cause, Participant
from participants.services import (
    PaymentFacts,
    RegistryFactChange,
    participants_apply_registry_facts,
    participants_record_payments,
    participants_refresh_statuses,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 300
ROUNDS = 20


def is_deadlock(exc: BaseException) -> bool:
    return getattr(exc.__cause__, "pgcode", None) == "40P01"


def run_together(writers: dict[str, Callable[[int], object]], rounds: int) -> Counter[str]:
    """Every writer once per round, all released at the same moment; counts the deadlocks
    (and re-raises any other error)."""
    barrier = threading.Barrier(len(writers))
    deadlocks: Counter[str] = Counter()
    errors: list[BaseException] = []

    def loop(name: str, write: Callable[[int], object]) -> None:
        try:
            for n in range(rounds):
                barrier.wait(timeout=60)
                try:
                    write(n)
                except OperationalError as exc:
                    if not is_deadlock(exc):
                        raise
                    deadlocks[name] += 1
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=loop, args=item) for item in writers.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    if errors:
        raise errors[0]
    return deadlocks


@pytest.fixture
def people() -> list[int]:
    """Participants whose card numbers descend as their ids ascend."""
    rows = ParticipantFactory.create_batch(PEOPLE)
    for i, p in enumerate(rows):
        p.card_number = f"{9_000_000_000_000 - i:013d}"
    Participant.objects.bulk_update(rows, ["card_number"])
    return [p.pk for p in rows]


def test_recompute_payments_and_sync_never_deadlock(people):
    ids = people
    this_month = months_ago(0)

    def recompute(_n: int) -> None:
        # The nightly recompute and month end lock a chunk through this one function.
        participants_refresh_statuses(participant_ids=ids, cause=Cause.DAILY_RECOMPUTE)

    def payment(n: int) -> None:
        # A reactivation batch: the members of the families it settles (here: everyone).
        participants_record_payments(
            payments=[
                PaymentFacts(
                    participant_ids=ids,
                    paid_through=months_ago(-n, on=this_month),
                    confirmed_on=this_month,
                    note=f"BANK_T {n}",
                )
            ]
        )

    def sync(n: int) -> None:
        # A sync chunk applying the registry's spelling of every name.
        participants_apply_registry_facts(
            changes=[
                RegistryFactChange(
                    participant_id=pk, changes={"name": f"NAMA {n % 2} {pk}"}, reason="sync"
                )
                for pk in ids
            ]
        )

    deadlocks = run_together(
        {
            "recompute": recompute,
            "payment": payment,
            "sync": sync,
        },
        ROUNDS,
    )

    assert dict(deadlocks) == {}, f"deadlocks in {ROUNDS} rounds: {dict(deadlocks)}"
    # And every writer did its work: the last payment and the last names are there.
    assert set(Participant.objects.filter(pk__in=ids).values_list("paid_through", flat=True)) == {
        months_ago(-(ROUNDS - 1), on=this_month)
    }
    assert Participant.objects.get(pk=ids[0]).name == f"NAMA {(ROUNDS - 1) % 2} {ids[0]}"
