"""The gaps of issue 8 point 11 (DESIGN.md 4.8), against the real registry over HTTP: a death
without a date goes to staff, address and marital status are compared, and a newborn's NIK
is applied only when it fits the baby and the registry lists the baby as a child."""

import datetime as dt

import pytest

from core.errors import DomainError
from core.factories import StaffUserFactory
from dukcapil_sync.models import Discrepancy, Kind
from dukcapil_sync.services import discrepancy_accept
from families.models import FamilyCard, Relationship
from participants.factories import months_ago
from participants.models import Participant
from tests.conftest import make_family

from .conftest import add_member, new_nik
from .test_discrepancies import child_of, only_discrepancy, state_of, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    family, _head = make_family(3, paid_through=months_ago(0))
    return family


@pytest.fixture
def staff(family):
    return StaffUserFactory(branch=family.branch)


def test_a_death_without_a_date_is_queued_for_staff_and_changes_nothing(registry, family, staff):
    child = child_of(family)
    registry.mirror(family)
    registry.control({"action": "death", "nik": child.nik})

    run = sync(family)

    d = only_discrepancy(kind=Kind.NIK_DECEASED)
    assert (d.status, d.participant, d.registry_value, run.applied) == ("OPEN", child, "", 0)
    child.refresh_from_db()
    assert child.date_of_death is None and state_of(child)[0] == "AKTIF"
    with pytest.raises(DomainError) as exc:
        discrepancy_accept(discrepancy=d, actor=staff)
    assert exc.value.code == "DEATH_DATE_MISSING"
    d.refresh_from_db()
    assert d.status == "OPEN"
    # Staff record the date from the death certificate: the next sync closes the row.
    Participant.objects.filter(pk=child.pk).update(date_of_death=dt.date(2026, 10, 3))
    sync(family)
    d.refresh_from_db()
    assert d.status == "RESOLVED"


def test_an_address_difference_is_queued_with_a_hold_and_accepting_moves_the_family(
    registry, family, staff
):
    head = child_of(family)
    registry.mirror(family, **{head.nik: {"address": "JL. MANGGA DUA NO. 1, JAKARTA UTARA"}})

    sync(family)

    d = only_discrepancy(kind=Kind.ADDRESS)
    assert (d.status, d.participant, d.registry_value) == (
        "OPEN",
        head,
        "JL. MANGGA DUA NO. 1, JAKARTA UTARA",
    )
    assert state_of(head)[::2] == ("PENANGGUHAN", "DUKCAPIL_MISMATCH")
    head.refresh_from_db()
    assert "JL. MANGGA DUA" in head.hold_note

    discrepancy_accept(discrepancy=d, actor=staff)

    family.refresh_from_db()
    assert family.address == "JL. MANGGA DUA NO. 1, JAKARTA UTARA"
    assert state_of(head) == ("AKTIF", "ACTIVE", "")


def test_an_address_in_other_letters_and_spacing_is_no_difference(registry, family):
    registry.mirror(
        family,
        **{child_of(family).nik: {"address": "  " + family.address.upper().replace(" ", "  ")}},
    )
    sync(family)
    assert not Discrepancy.objects.filter(kind=Kind.ADDRESS).exists()


def test_marital_status_from_the_registry_is_applied_with_an_audit_row(registry, family):
    child = child_of(family)
    registry.mirror(family, **{child.nik: {"marital_status": "KAWIN"}})

    run = sync(family)

    child.refresh_from_db()
    assert child.marital_status == "KAWIN"
    d = only_discrepancy(kind=Kind.MARITAL_STATUS)
    assert (d.status, d.our_value, d.registry_value, run.applied) == ("APPLIED", "", "KAWIN", 1)
    assert child.history.first().history_change_reason == "Dukcapil sync: marital status"


def _registry_baby(
    registry, family: FamilyCard, *, nik: str, relationship: str, birth_date: dt.date
) -> None:
    """The registry lists a baby on the family's KK with this NIK and relationship."""
    members = [
        [m.participant.nik, m.relationship] for m in family.memberships.all() if m.participant.nik
    ]
    registry.control(
        {
            "action": "upsert_person",
            "nik": nik,
            "name": "PUTRI AYU",
            "birth_place": "JAKARTA",
            "birth_date": birth_date,
            "sex": "P",
            "address": family.address,
        },
        {
            "action": "upsert_family",
            "kk_number": family.number,
            "address": family.address,
            "district_code": family.number[:6],
            "members": [*members, [nik, relationship]],
            "valid_from": dt.date(2020, 1, 1),
        },
    )


@pytest.mark.parametrize(
    ("nik_days_before_birth", "relationship", "problem"),
    [
        # The NIK's date part says another day than the baby's birth date.
        (1, Relationship.CHILD, "NIK"),
        # The registry lists the baby as another relative, not a child.
        (0, Relationship.OTHER, "LAINNYA"),
    ],
)
def test_a_newborn_nik_that_does_not_fit_the_baby_is_not_applied(
    registry, family, staff, baby_birth, nik_days_before_birth, relationship, problem
):
    registry.mirror(family)
    baby = add_member(family, name="Bayi Ny. Test", birth_date=baby_birth, sex="P", nik=None)
    nik = new_nik(birth_date=baby_birth - dt.timedelta(days=nik_days_before_birth), sex="P")
    _registry_baby(registry, family, nik=nik, relationship=relationship, birth_date=baby_birth)

    sync(family)

    baby.refresh_from_db()
    assert baby.nik is None
    d = only_discrepancy(kind=Kind.NEWBORN_NIK)
    assert (d.status, d.participant, d.key) == ("OPEN", baby, nik)
    assert problem in d.detail["problem"]
    assert state_of(baby)[::2] == ("PENANGGUHAN", "DUKCAPIL_MISMATCH")
    assert not Discrepancy.objects.filter(kind=Kind.NEW_KK_MEMBER).exists()


def test_a_newborn_nik_that_fits_is_applied_at_once(registry, family, baby_birth):
    registry.mirror(family)
    baby = add_member(family, name="Bayi Ny. Test", birth_date=baby_birth, sex="P", nik=None)
    nik = new_nik(birth_date=baby_birth, sex="P")
    _registry_baby(
        registry, family, nik=nik, relationship=Relationship.CHILD, birth_date=baby_birth
    )

    sync(family)

    baby.refresh_from_db()
    assert (baby.nik, baby.name) == (nik, "PUTRI AYU")
