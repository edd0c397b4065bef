"""Staff decisions and the sync take their locks in one order (participants first, then
discrepancies; participants.locks), so a branch officer deciding a family's differences while
the same family is synced never deadlocks. PostgreSQL, real transactions, one thread and
connection each, against the registry process."""

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import OperationalError, connections

from core.factories import StaffUserFactory
from dukcapil_sync.models import Discrepancy
from dukcapil_sync.services import discrepancy_keep, family_sync
from families.models import FamilyMembership
from participants.factories import months_ago
from tests.conftest import make_family

pytestmark = [pytest.mark.postgres, pytest.mark.stress, pytest.mark.django_db(transaction=True)]

SIZE = 6
ROUNDS = 5


def is_deadlock(exc: BaseException) -> bool:
    return getattr(exc.__cause__, "pgcode", None) == "40P01"


def together(*work: Callable[[], None]) -> list[BaseException]:
    """Run each function in its own thread, released at the same moment."""
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(fn: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=60)
            fn()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return errors


def test_staff_deciding_while_the_family_is_synced_never_deadlocks(registry):
    family, _head = make_family(SIZE, paid_through=months_ago(0))
    staff = StaffUserFactory(branch=family.branch)
    people = [
        m.participant
        for m in FamilyMembership.objects.filter(family=family).select_related("participant")
    ]
    deadlocks: Counter[str] = Counter()

    for n in range(ROUNDS):
        # Dukcapil spells every name anew: each member has an open question for staff.
        registry.mirror(family, **{p.nik: {"name": f"NAMA {n} {i}"} for i, p in enumerate(people)})
        family_sync(family=family, trigger="STAFF")
        questions = list(Discrepancy.objects.filter(status="OPEN", kind="NAME"))
        assert len(questions) == SIZE

        def decide(questions=questions) -> None:
            for d in questions:
                try:
                    discrepancy_keep(discrepancy=d, actor=staff, reason="KTP diperiksa")
                except OperationalError as exc:
                    if not is_deadlock(exc):
                        raise
                    deadlocks["decision"] += 1

        def resync() -> None:
            for _ in range(SIZE):
                try:
                    family_sync(family=family, trigger="STAFF")
                except OperationalError as exc:
                    if not is_deadlock(exc):
                        raise
                    deadlocks["sync"] += 1

        errors = together(decide, resync)
        assert errors == []

    assert dict(deadlocks) == {}, f"deadlocks in {ROUNDS} rounds: {dict(deadlocks)}"
    # Every question was decided: kept, and the members are no longer on hold.
    assert Discrepancy.objects.filter(status="OPEN").count() == 0
    assert Discrepancy.objects.filter(status="KEPT").count() == SIZE * ROUNDS
