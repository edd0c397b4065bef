"""The main participant (peserta utama) hands over when they leave the KK or die (DESIGN.md
4.5): head of family, then spouse, then the eldest child, then the eldest other relative, the
dead passed over. Members are created in an order that differs from the priority, so that
neither the id nor the order of joining can pass for it. The bill after a handover is checked
too: a PPU family's bill is its living worker's (participants.contributions.ppu_worker)."""

from datetime import date

import pytest

from core.factories import region
from families.factories import FamilyCardFactory, FamilyMembershipFactory
from families.models import FamilyCard, FamilyMembership, Relationship
from families.services import (
    family_main_after_death,
    family_member_leave,
    family_member_move,
    family_member_register,
)
from participants.factories import ParticipantFactory
from participants.models import Participant, Segment
from payments.jobs import billing_run
from payments.models import Bill

pytestmark = pytest.mark.django_db

HEAD, SPOUSE, CHILD, OTHER = (
    Relationship.HEAD,
    Relationship.SPOUSE,
    Relationship.CHILD,
    Relationship.OTHER,
)
LEFT_ON = date(2026, 11, 20)
DIED_ON = date(2026, 11, 15)
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


def family_of(*people: tuple[str, str, int], main: str, **facts) -> dict[str, Participant]:
    """Members (label, relationship, birth year) in this order of joining; `main` names the
    main participant. Returns the participants by label."""
    family = FamilyCardFactory()
    members: dict[str, Participant] = {}
    for label, relationship, year in people:
        participant: Participant = ParticipantFactory.create(
            name=label,
            birth_date=date(year, 6, 15),
            branch=family.branch,
            fktp__branch=family.branch,
            paid_through=NOV,
            **facts,
        )
        FamilyMembershipFactory(
            family=family,
            participant=participant,
            relationship=relationship,
            is_main=label == main,
        )
        members[label] = participant
    return members


def main_of(family: FamilyCard) -> str | None:
    """The current main participant's label; the database keeps at most one."""
    current = FamilyMembership.objects.filter(family=family, valid_to__isnull=True, is_main=True)
    return current.get().participant.name if current.exists() else None


def family_of_member(participant: Participant) -> FamilyCard:
    return FamilyMembership.objects.get(participant=participant, valid_to__isnull=True).family


def leave(participant: Participant) -> None:
    family_member_leave(participant=participant, on=LEFT_ON, actor=None, reason="pindah KK")


def move_to(participant: Participant, number: str, relationship: str = HEAD) -> None:
    """The registry lists the participant on KK `number` now (created if we lack it)."""
    family_member_move(
        participant=participant,
        to_number=number,
        relationship=relationship,
        address="Jl. Baru 1",
        district_code="317401",
        on=LEFT_ON,
        actor=None,
        reason="Dukcapil: pindah KK",
    )


def ppu_family_of_two_workers() -> dict[str, Participant]:
    """A PPU family: the head works (Rp10.000.000, main), so does the spouse (Rp6.000.000)."""
    members = family_of(
        ("worker", HEAD, 1970),
        ("child", CHILD, 1998),
        ("working spouse", SPOUSE, 1975),
        main="worker",
        segment=Segment.objects.get(code="PPU_BU"),
        care_class=1,
    )
    Participant.objects.filter(pk=members["worker"].pk).update(salary=10_000_000)
    Participant.objects.filter(pk=members["working spouse"].pk).update(salary=6_000_000)
    return members


@pytest.mark.parametrize(
    ("people", "main", "leaver", "expected"),
    [
        pytest.param(
            [("head", HEAD, 1970), ("child", CHILD, 1995), ("other", OTHER, 1940)]
            + [("spouse", SPOUSE, 1975)],
            "head",
            "head",
            "spouse",
            id="head leaves: the spouse, before older children and relatives",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("other", OTHER, 1940), ("child 2001", CHILD, 2001)]
            + [("child 1998", CHILD, 1998), ("child 2004", CHILD, 2004)],
            "head",
            "head",
            "child 1998",
            id="no spouse: the eldest child, not the first to join",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("other 1990", OTHER, 1990), ("other 1950", OTHER, 1950)],
            "head",
            "head",
            "other 1950",
            id="no spouse or child: the eldest other relative",
        ),
        pytest.param(
            [("spouse", SPOUSE, 1975), ("child", CHILD, 1995), ("head", HEAD, 1980)],
            "spouse",
            "spouse",
            "head",
            id="a main who is not the head leaves: the head, though younger and last to join",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("spouse", SPOUSE, 1975), ("child", CHILD, 1995)],
            "head",
            "child",
            "head",
            id="a member who is not main leaves: nothing changes",
        ),
    ],
)
def test_the_next_by_priority_becomes_main_when_the_main_leaves(people, main, leaver, expected):
    members = family_of(*people, main=main)
    family = family_of_member(members[main])

    leave(members[leaver])

    assert main_of(family) == expected
    ended = FamilyMembership.objects.get(participant=members[leaver])
    assert (ended.valid_to, ended.is_main) == (date(2026, 11, 19), False)


def test_the_handover_is_audited_with_the_reason():
    members = family_of(("head", HEAD, 1970), ("spouse", SPOUSE, 1975), main="head")
    family = family_of_member(members["head"])

    leave(members["head"])

    spouse = FamilyMembership.objects.get(family=family, participant=members["spouse"])
    latest = spouse.history.first()
    assert (latest.is_main, latest.history_change_reason) == (True, "pindah KK")
    assert spouse.history.count() == 2  # created, then made main


def test_the_priority_holds_down_the_whole_family_one_leaver_at_a_time():
    members = family_of(
        ("other 1950", OTHER, 1950),
        ("child 2003", CHILD, 2003),
        ("head", HEAD, 1970),
        ("child 1999", CHILD, 1999),
        ("spouse", SPOUSE, 1972),
        ("other 1945", OTHER, 1945),
        main="head",
    )
    family = family_of_member(members["head"])
    handovers = []

    for _ in range(len(members)):
        current = main_of(family)
        leave(members[current])
        handovers.append(main_of(family))

    assert handovers == ["spouse", "child 1999", "child 2003", "other 1945", "other 1950", None]
    assert not FamilyMembership.objects.filter(family=family, valid_to__isnull=True).exists()


def test_moving_to_another_kk_hands_over_and_the_mover_heads_the_new_one():
    members = family_of(("head", HEAD, 1970), ("spouse", SPOUSE, 1975), main="head")
    family = family_of_member(members["head"])

    move_to(members["head"], "3174010101260099")

    assert main_of(family) == "spouse"
    new_family = family_of_member(members["head"])
    assert (new_family.number, new_family.district, main_of(new_family)) == (
        "3174010101260099",
        region("317401"),
        "head",
    )


def test_moving_into_a_kk_that_has_a_main_keeps_its_main():
    leaving = family_of(("head", HEAD, 1970), ("child", CHILD, 1996), main="head")
    joining = family_of(("host", HEAD, 1965), main="host")
    host_family = family_of_member(joining["host"])

    move_to(leaving["child"], host_family.number, relationship=SPOUSE)

    assert main_of(host_family) == "host"
    assert main_of(family_of_member(leaving["head"])) == "head"


def test_the_bill_follows_the_worker_who_stays_when_the_main_moves_out():
    # A PPU family: 5% of the worker's salary (4% the employer).
    members = ppu_family_of_two_workers()
    family = family_of_member(members["worker"])

    move_to(members["worker"], "3174010101260098")
    billing_run(month=DEC)

    # The family's bill is now the spouse's: 5% of Rp6.000.000; the worker is billed in the
    # new KK on his own salary.
    bill = Bill.objects.get(family=family, month=DEC)
    assert (bill.payer, bill.amount, bill.employer_share, bill.worker_share) == (
        "EMPLOYER",
        300_000,
        240_000,
        60_000,
    )
    moved = Bill.objects.get(family=family_of_member(members["worker"]), month=DEC)
    assert (moved.payer, moved.amount, moved.employer_share, moved.worker_share) == (
        "EMPLOYER",
        500_000,
        400_000,
        100_000,
    )


def died(participant: Participant, on: date = DIED_ON) -> None:
    """The death as the sync records it: the fact, then the handover."""
    Participant.objects.filter(pk=participant.pk).update(date_of_death=on)
    participant.refresh_from_db()
    family_main_after_death(participant=participant, on=on, actor=None, reason="wafat")


@pytest.mark.parametrize(
    ("people", "dead_before", "dies", "expected"),
    [
        pytest.param(
            [("child", CHILD, 1995), ("head", HEAD, 1970), ("spouse", SPOUSE, 1975)],
            [],
            "head",
            "spouse",
            id="head dies: the spouse",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("child 2001", CHILD, 2001), ("spouse", SPOUSE, 1975)]
            + [("child 1998", CHILD, 1998)],
            ["spouse"],
            "head",
            "child 1998",
            id="the spouse died before: the eldest living child",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("child", CHILD, 1998), ("other 1950", OTHER, 1950)]
            + [("other 1940", OTHER, 1940)],
            ["child", "other 1940"],
            "head",
            "other 1950",
            id="no living spouse or child: the eldest living relative",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("spouse", SPOUSE, 1975), ("child", CHILD, 1998)],
            [],
            "child",
            "head",
            id="a member who is not main dies: nothing changes",
        ),
        pytest.param(
            [("head", HEAD, 1970), ("spouse", SPOUSE, 1975)],
            ["spouse"],
            "head",
            "head",
            id="nobody left alive: the head stays main (nobody else holds the account)",
        ),
    ],
)
def test_the_next_living_member_becomes_main_when_the_main_dies(
    people, dead_before, dies, expected
):
    members = family_of(*people, main="head")
    family = family_of_member(members["head"])
    for label in dead_before:
        died(members[label], on=date(2026, 3, 1))

    died(members[dies])

    assert main_of(family) == expected
    # The dead stay on the KK: membership is about the family card, not about cover.
    assert FamilyMembership.objects.filter(family=family, valid_to__isnull=True).count() == len(
        people
    )


def test_a_main_who_leaves_is_followed_by_the_next_living_member():
    members = family_of(
        ("head", HEAD, 1970), ("spouse", SPOUSE, 1975), ("child", CHILD, 1998), main="head"
    )
    family = family_of_member(members["head"])
    Participant.objects.filter(pk=members["spouse"].pk).update(date_of_death=date(2026, 3, 1))

    leave(members["head"])

    assert main_of(family) == "child"


def test_a_dead_main_nobody_handed_over_is_replaced_before_a_newborn_copies_them():
    # A death recorded outside the sync (a staff correction) leaves the dead head main until
    # the next family change: registering a newborn hands over first, and the baby takes
    # the new main's class.
    members = family_of(("head", HEAD, 1970), ("spouse", SPOUSE, 1975), main="head")
    Participant.objects.filter(pk=members["spouse"].pk).update(care_class=1)
    Participant.objects.filter(pk=members["head"].pk).update(date_of_death=DIED_ON)
    family = family_of_member(members["head"])

    baby = family_member_register(
        family=family,
        nik=None,
        name="Bayi",
        birth_place="Jakarta",
        birth_date=date(2026, 11, 18),
        sex="P",
        relationship=CHILD,
        on=date(2026, 11, 20),
        actor=None,
        reason="kelahiran",
    ).participant

    assert main_of(family) == "spouse"
    assert (baby.care_class, baby.segment_id) == (1, "PBPU")


def test_the_bill_follows_the_worker_who_survives_when_the_main_dies():
    # The PPU worker dies in November: from December the family's bill is the working
    # spouse's, 5% of Rp6.000.000 (4% the employer), and nothing is charged for the dead.
    members = ppu_family_of_two_workers()
    family = family_of_member(members["worker"])

    died(members["worker"])
    billing_run(month=DEC)

    bill = Bill.objects.get(family=family, month=DEC)
    assert (bill.payer, bill.amount, bill.employer_share, bill.worker_share) == (
        "EMPLOYER",
        300_000,
        240_000,
        60_000,
    )
    assert members["worker"].pk not in set(bill.lines.values_list("participant_id", flat=True))
