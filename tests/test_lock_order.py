"""One lock order on PostgreSQL: the writers that lock many participants at once (the nightly
recompute, month end, payment reactivation, the Dukcapil sync's facts) run against each other
for many rounds, each in its own thread, connection and transaction, and none deadlocks.
(Staff decisions against a sync: dukcapil_sync/tests/test_decision_locks.py.)

Card numbers here run against the ids, as they do in real data (cards issued by the portal,
"0002...", come after imported ones): a writer that locked in card-number order and one that
locked in id order would wait for each other until PostgreSQL killed one."""

from datetime import date

import pytest
from django.utils import timezone

from families.factories import FamilyCardFactory
from families.models import FamilyCard
from participants.factories import ParticipantFactory, months_ago
from participants.models import Participant
from participants.services import RegistryFactChange, participants_apply_registry_facts
from participants.tasks import recompute_all_statuses_run
from payments.factories import PaymentChannelFactory
from payments.jobs import month_end_run
from payments.models import Bill, BillLine, Payment, Reactivation
from payments.services import reactivations_apply
from tests.threads import count_deadlocks

pytestmark = [pytest.mark.postgres, pytest.mark.stress, pytest.mark.django_db(transaction=True)]

PEOPLE = 300
ROUNDS = 20


@pytest.fixture
def people() -> tuple[FamilyCard, list[int]]:
    """One family's participants, whose card numbers descend as their ids ascend."""
    family = FamilyCardFactory.create()
    rows = ParticipantFactory.create_batch(
        PEOPLE, branch=family.branch, fktp__branch=family.branch, paid_through=months_ago(1)
    )
    for i, p in enumerate(rows):
        p.card_number = f"{9_000_000_000_000 - i:013d}"
    Participant.objects.bulk_update(rows, ["card_number"])
    return family, [p.pk for p in rows]


def bill_everyone(family: FamilyCard, ids: list[int], month: date, **settled) -> Bill:
    """A class III bill of the month with a line for each of `ids` (open unless `settled`)."""
    bill = Bill.objects.create(
        family=family,
        month=month,
        payer=Bill.Payer.FAMILY,
        segment_id="PBPU",
        amount=35_000 * len(ids),
        due_date=month.replace(day=10),
        **settled,
    )
    BillLine.objects.bulk_create(
        BillLine(bill=bill, participant_id=pk, amount=35_000) for pk in ids
    )
    return bill


def unpaid_last_month(family: FamilyCard, ids: list[int]) -> date:
    """An open bill for last month with everyone on it: what month end works through."""
    return bill_everyone(family, ids, months_ago(1)).month


def settled_payments(family: FamilyCard, ids: list[int], rounds: int) -> list[int]:
    """One confirmed payment per round, each settling a bill of everyone for a month to come
    and waiting (PENDING) for the reactivation writer."""
    channel = PaymentChannelFactory.create()
    now = timezone.now()
    reactivations = []
    for n in range(rounds):
        month = months_ago(-n)
        payment = Payment.objects.create(
            channel=channel,
            transaction_id=f"LOCK-{n}",
            family=family,
            virtual_account=family.virtual_account,
            amount=35_000 * len(ids),
            allocated_amount=35_000 * len(ids),
            paid_at=now,
            credited_at=now,
            result=Payment.Result.SETTLED,
        )
        reactivation = Reactivation.objects.create(
            family=family,
            payment=payment,
            confirmed_on=timezone.localdate(),
            paid_through=month,
            arrears_months=1,
            created_at=now,
        )
        bill_everyone(
            family,
            ids,
            month,
            paid_amount=35_000 * len(ids),
            state=Bill.State.PAID,
            settled_at=now,
            settled_by=reactivation,
        )
        reactivations.append(reactivation.pk)
    return reactivations


def test_recompute_month_end_reactivation_and_sync_never_deadlock(people):
    family, ids = people
    month = unpaid_last_month(family, ids)
    reactivations = settled_payments(family, ids, ROUNDS)

    def recompute(_n: int) -> None:
        recompute_all_statuses_run(chunk_size=PEOPLE)

    def month_end(_n: int) -> None:
        month_end_run(month=month, chunk_size=PEOPLE)

    def reactivation(n: int) -> None:
        (applied,) = reactivations_apply(reactivation_ids=[reactivations[n]])
        assert applied.pk == reactivations[n]

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

    deadlocks = count_deadlocks(
        {
            "recompute": recompute,
            "month_end": month_end,
            "reactivation": reactivation,
            "sync": sync,
        },
        ROUNDS,
    )

    assert dict(deadlocks) == {}, f"deadlocks in {ROUNDS} rounds: {dict(deadlocks)}"
    # And every writer did its work: each payment applied once, the last names are there.
    assert set(Reactivation.objects.values_list("state", flat=True)) == {"DONE"}
    assert set(Participant.objects.filter(pk__in=ids).values_list("paid_through", flat=True)) == {
        months_ago(-(ROUNDS - 1))
    }
    assert Participant.objects.get(pk=ids[0]).name == f"NAMA {(ROUNDS - 1) % 2} {ids[0]}"
