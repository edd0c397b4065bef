"""The sync applies a death at once; when the dead member held the family's account, the next
living member by priority becomes the main participant in the same chunk (DESIGN.md 4.5)."""

import datetime as dt

import pytest

from families.models import FamilyMembership, Relationship
from participants.factories import months_ago
from tests.conftest import make_family

from .conftest import add_member
from .test_discrepancies import only_discrepancy, sync

pytestmark = pytest.mark.django_db


def main_of(family) -> str:
    return FamilyMembership.objects.get(
        family=family, valid_to__isnull=True, is_main=True
    ).participant.name


@pytest.fixture
def family(registry):
    family, head = make_family(1, paid_through=months_ago(0), name="KEPALA")
    add_member(family, name="ANAK", birth_date=dt.date(2001, 2, 3))
    add_member(
        family,
        name="ISTRI",
        birth_date=dt.date(1990, 4, 5),
        sex="P",
        relationship=Relationship.SPOUSE,
    )
    registry.mirror(family)
    return family


def test_the_sync_hands_the_family_to_the_spouse_when_the_main_participant_dies(registry, family):
    head = FamilyMembership.objects.get(family=family, is_main=True).participant
    registry.control({"action": "death", "nik": head.nik, "date": "2026-10-03"})

    sync(family)

    assert main_of(family) == "ISTRI"
    assert only_discrepancy(kind="NIK_DECEASED").participant == head
    spouse = FamilyMembership.objects.get(family=family, relationship=Relationship.SPOUSE)
    assert spouse.history.first().history_change_reason == "Dukcapil sync: death"


def test_the_death_of_another_member_leaves_the_main_participant(registry, family):
    child = FamilyMembership.objects.get(family=family, relationship=Relationship.CHILD)
    registry.control({"action": "death", "nik": child.participant.nik, "date": "2026-10-03"})

    sync(family)

    assert main_of(family) == "KEPALA"
