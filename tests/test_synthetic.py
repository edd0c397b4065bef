"""Synthetic families (demo.synthetic): valid numbers, one head and one main participant
per family, stored status equal to the derived one, and a repeatable, incremental seed."""

from collections import Counter

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.factories import BranchOfficeFactory, region
from core.models import User
from core.nik import validate_kk_number, validate_nik_matches
from demo.synthetic import SYNTHETIC_PASSWORD, seed_synthetic_families
from families.models import FamilyCard, FamilyMembership, Relationship
from families.services import family_virtual_account
from participants.factories import FacilityFactory
from participants.models import Participant
from participants.status import derive_status


@pytest.fixture
def facilities(db):
    bogor = BranchOfficeFactory(code="KC0501", name="KC Bogor", regency=region("3201"))
    return [
        FacilityFactory(),
        FacilityFactory(district=region("320101"), branch=bogor),
    ]


def _snapshot() -> list[tuple]:
    return list(
        Participant.objects.order_by("card_number").values_list(
            "card_number", "nik", "name", "birth_date", "segment_id", "paid_through"
        )
    )


def _delete_synthetic() -> None:
    FamilyMembership.objects.all().delete()
    users = list(Participant.objects.values_list("user_id", flat=True))
    Participant.objects.all().delete()
    FamilyCard.objects.all().delete()
    User.objects.filter(pk__in=users).delete()


def test_seed_makes_valid_families_with_one_head_and_one_main(facilities):
    created = seed_synthetic_families(count=30, seed=7)

    assert created == 30
    assert FamilyCard.objects.count() == 30
    participants = list(Participant.objects.select_related("segment"))
    assert all(p.card_number.startswith("9") and len(p.card_number) == 13 for p in participants)
    for p in participants:
        validate_nik_matches(
            p.nik, birth_date=p.birth_date, is_female=p.sex == Participant.Sex.FEMALE
        )
    assert len({p.nik for p in participants}) == len(participants)
    numbers = list(FamilyCard.objects.values_list("number", "virtual_account"))
    assert len({n for n, _ in numbers}) == 30
    assert len({va for _, va in numbers}) == 30
    for number, va in numbers:
        validate_kk_number(number)
        assert va == family_virtual_account(kk_number=number)

    memberships = list(FamilyMembership.objects.select_related("participant"))
    assert len(memberships) == len(participants)
    heads = Counter(m.family_id for m in memberships if m.relationship == Relationship.HEAD)
    mains = Counter(m.family_id for m in memberships if m.is_main)
    assert set(heads.values()) == {1} and len(heads) == 30
    assert set(mains.values()) == {1} and len(mains) == 30
    for m in memberships:
        assert m.is_main == (m.relationship == Relationship.HEAD)
        assert 1 <= sum(1 for x in memberships if x.family_id == m.family_id) <= 7
        assert m.participant.branch_id == m.family.branch_id


def test_heads_log_in_with_their_nik_and_the_demo_password(facilities):
    seed_synthetic_families(count=5, seed=7)

    heads = Participant.objects.filter(memberships__relationship=Relationship.HEAD)
    assert heads.count() == 5
    for head in heads.select_related("user"):
        assert head.user.username == head.nik
        assert head.user.role == User.Role.PARTICIPANT
    assert Participant.objects.filter(user__isnull=False).count() == 5
    user = heads.first().user
    assert user.password.startswith("argon2$")
    assert user.check_password(SYNTHETIC_PASSWORD)


def test_stored_status_equals_derived_status(facilities):
    seed_synthetic_families(count=30, seed=11)

    today = timezone.localdate()
    for p in Participant.objects.select_related("segment"):
        result = derive_status(p, on=today)
        assert (p.status, p.status_reason) == (result.status, result.reason)
        assert p.status_changed_at is not None


def test_second_call_with_same_count_creates_nothing(facilities):
    seed_synthetic_families(count=30, seed=7)
    before = _snapshot()

    assert seed_synthetic_families(count=30, seed=7) == 0
    assert seed_synthetic_families(count=10, seed=7) == 0

    assert _snapshot() == before
    assert FamilyCard.objects.count() == 30


def test_same_seed_gives_same_families_in_one_run_or_two(facilities):
    seed_synthetic_families(count=20, seed=3)
    in_one_run = _snapshot()
    _delete_synthetic()

    assert seed_synthetic_families(count=8, seed=3) == 8
    assert seed_synthetic_families(count=20, seed=3) == 12

    assert _snapshot() == in_one_run


def test_without_facilities_asks_to_run_seed_demo(db):
    with pytest.raises(DomainError) as excinfo:
        seed_synthetic_families(count=3)

    assert excinfo.value.code == "SEED_DEMO_FIRST"
    assert "seed_demo" in str(excinfo.value)
    assert not Participant.objects.exists()
