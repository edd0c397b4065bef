"""Staff decisions and the sync take their locks in one order (participants first, then
discrepancies; participants.locks), so a branch officer deciding a family's differences while
the same family is synced never deadlocks. PostgreSQL, real transactions, one thread and
connection each, against the registry process."""

import pytest

from core.factories import StaffUserFactory
from dukcapil_sync.models import Discrepancy
from dukcapil_sync.services import discrepancy_keep, family_sync
from families.models import FamilyMembership
from participants.factories import months_ago
from tests.conftest import make_family
from tests.threads import count_deadlocks

pytestmark = [pytest.mark.postgres, pytest.mark.stress, pytest.mark.django_db(transaction=True)]

SIZE = 6
ROUNDS = 5


def test_staff_deciding_while_the_family_is_synced_never_deadlocks(registry):
    family, _head = make_family(SIZE, paid_through=months_ago(0))
    staff = StaffUserFactory(branch=family.branch)
    people = [
        m.participant
        for m in FamilyMembership.objects.filter(family=family).select_related("participant")
    ]

    def new_questions(n: int) -> None:
        # Dukcapil spells every name anew: each member has an open question for staff.
        registry.mirror(family, **{p.nik: {"name": f"NAMA {n} {i}"} for i, p in enumerate(people)})
        family_sync(family=family, trigger="STAFF")

    def decide(_n: int) -> None:
        for d in Discrepancy.objects.filter(status="OPEN", kind="NAME").order_by("pk"):
            discrepancy_keep(discrepancy=d, actor=staff, reason="KTP diperiksa")

    def resync(_n: int) -> None:
        for _ in range(SIZE):
            family_sync(family=family, trigger="STAFF")

    deadlocks = count_deadlocks(
        {"decision": decide, "sync": resync}, ROUNDS, before_round=new_questions
    )

    assert dict(deadlocks) == {}, f"deadlocks in {ROUNDS} rounds: {dict(deadlocks)}"
    # Every question was decided: kept, none left open.
    assert Discrepancy.objects.filter(status="OPEN").count() == 0
    assert Discrepancy.objects.filter(status="KEPT").count() == SIZE * ROUNDS
