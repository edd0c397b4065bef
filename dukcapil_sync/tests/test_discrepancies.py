"""Each kind of difference: found by a sync against the real registry over HTTP, queued for
staff (PENANGGUHAN where our data is in doubt), then resolved both ways; a decision is never
reopened by a later sync. CI runs these on PostgreSQL."""

import datetime as dt

import pytest

from core.errors import DomainError, ValidationFailed
from core.factories import StaffUserFactory
from dukcapil_sync.models import Discrepancy, Kind, ParticipantSyncState
from dukcapil_sync.services import discrepancy_accept, discrepancy_keep, family_sync
from families.models import FamilyCard, FamilyMembership
from participants.factories import months_ago
from participants.models import Cause, Participant, StatusChange
from tests.conftest import make_family

from .conftest import add_member, new_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    family, head = make_family(3, paid_through=months_ago(0))
    return family


@pytest.fixture
def staff(family):
    return StaffUserFactory(branch=family.branch)


def members(family: FamilyCard) -> list[Participant]:
    return [
        m.participant
        for m in FamilyMembership.objects.filter(family=family, valid_to__isnull=True)
        .select_related("participant")
        .order_by("participant_id")
    ]


def child_of(family: FamilyCard) -> Participant:
    return members(family)[-1]


def sync(family: FamilyCard):
    run = family_sync(family=family, trigger="STAFF")
    assert run.state == "DONE", run.report
    return run


def only_discrepancy(**filters) -> Discrepancy:
    return Discrepancy.objects.get(**filters)


def state_of(p: Participant) -> tuple[str, str, str]:
    p.refresh_from_db()
    return p.status, p.status_reason, p.registry_hold


def test_a_family_that_matches_has_no_differences(registry, family):
    registry.mirror(family)

    run = sync(family)

    assert (run.done, run.total, run.differences, run.errors) == (3, 3, 0, 0)
    assert not Discrepancy.objects.exists()
    assert {state_of(p) for p in members(family)} == {("AKTIF", "ACTIVE", "")}
    assert ParticipantSyncState.objects.filter(checks_in_last_run=1).count() == 3


# --- name ---------------------------------------------------------------------------------


@pytest.fixture
def name_mismatch(registry, family):
    child = child_of(family)
    registry.mirror(family, **{child.nik: {"name": "RATNA SARI DEWI"}})
    sync(family)
    return child


def test_name_difference_is_queued_and_suspends(name_mismatch):
    d = only_discrepancy(kind=Kind.NAME)

    assert (d.status, d.our_value, d.registry_value) == (
        "OPEN",
        name_mismatch.name,
        "RATNA SARI DEWI",
    )
    assert state_of(name_mismatch) == ("PENANGGUHAN", "DUKCAPIL_MISMATCH", "DUKCAPIL_MISMATCH")
    assert "RATNA SARI DEWI" in name_mismatch.hold_note
    change = StatusChange.objects.filter(participant=name_mismatch).first()
    assert (change.status, change.cause) == ("PENANGGUHAN", Cause.DUKCAPIL_SYNC)


def test_name_accepted_updates_name_and_status_together(name_mismatch, staff, family):
    d = only_discrepancy(kind=Kind.NAME)

    discrepancy_accept(discrepancy=d, actor=staff, note="KTP checked")

    name_mismatch.refresh_from_db()
    assert name_mismatch.name == "RATNA SARI DEWI"
    assert state_of(name_mismatch) == ("AKTIF", "ACTIVE", "")
    d.refresh_from_db()
    assert (d.status, d.resolved_by, d.resolution_note) == ("ACCEPTED", staff, "KTP checked")
    audit = name_mismatch.history.first()
    assert audit.history_user == staff and "accepted" in audit.history_change_reason
    last = StatusChange.objects.filter(participant=name_mismatch).first()
    assert (last.status, last.cause, last.actor) == ("AKTIF", Cause.STAFF_CORRECTION, staff)

    # The next sync agrees: nothing new.
    sync(family)
    assert Discrepancy.objects.count() == 1


def test_name_kept_with_reason_is_never_reopened(name_mismatch, staff, registry, family):
    d = only_discrepancy(kind=Kind.NAME)
    old_name = name_mismatch.name

    with pytest.raises(ValidationFailed) as missing:
        discrepancy_keep(discrepancy=d, actor=staff, reason="  ")
    assert "reason" in missing.value.fields
    discrepancy_keep(discrepancy=d, actor=staff, reason="Dukcapil record is wrong; KTP shows ours")

    name_mismatch.refresh_from_db()
    assert name_mismatch.name == old_name
    assert state_of(name_mismatch) == ("AKTIF", "ACTIVE", "")
    # The registry still differs: a later sync records nothing and suspends nobody.
    run = sync(family)
    assert run.differences == 0
    d.refresh_from_db()
    assert d.status == "KEPT"
    assert Discrepancy.objects.count() == 1
    assert state_of(name_mismatch)[0] == "AKTIF"
    with pytest.raises(DomainError) as again:
        discrepancy_accept(discrepancy=d, actor=staff)
    assert again.value.code == "ALREADY_DECIDED"


def test_safe_name_difference_is_applied_with_an_audit_record(registry, family):
    child = child_of(family)
    spaced = "  " + child.name.upper().replace(" ", "  ")
    registry.mirror(family, **{child.nik: {"name": child.name.upper()}})

    run = sync(family)

    child.refresh_from_db()
    assert child.name == child.name.upper()
    assert (run.differences, run.applied) == (1, 1)
    d = only_discrepancy(kind=Kind.NAME)
    assert d.status == "APPLIED" and d.resolution_note == "Dukcapil sync: name_case"
    assert child.history.first().history_change_reason == "Dukcapil sync: name_case"
    assert state_of(child) == ("AKTIF", "ACTIVE", "")
    assert spaced  # spacing is covered by test_compare


def test_safe_differences_are_configurable(registry, family, settings):
    settings.DUKCAPIL_SAFE_DIFFERENCES = frozenset()
    child = child_of(family)
    registry.mirror(family, **{child.nik: {"name": child.name.upper()}})

    sync(family)

    assert only_discrepancy(kind=Kind.NAME).status == "OPEN"
    assert state_of(child)[0] == "PENANGGUHAN"


def test_a_different_registry_value_later_is_a_new_question(name_mismatch, staff, registry, family):
    discrepancy_keep(
        discrepancy=only_discrepancy(kind=Kind.NAME), actor=staff, reason="ours is right"
    )
    registry.control({"action": "correct_name", "nik": name_mismatch.nik, "name": "RATNA S DEWI"})

    sync(family)

    assert list(Discrepancy.objects.order_by("pk").values_list("status", "registry_value")) == [
        ("KEPT", "RATNA SARI DEWI"),
        ("OPEN", "RATNA S DEWI"),
    ]
    assert state_of(name_mismatch)[0] == "PENANGGUHAN"


# --- birth date and sex -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field", "registry_value", "stored"),
    [
        (Kind.BIRTH_DATE, "birth_date", "1986-06-15", dt.date(1986, 6, 15)),
        (Kind.SEX, "sex", "P", "P"),
    ],
)
def test_birth_date_and_sex_found_queued_accepted(
    registry, family, staff, kind, field, registry_value, stored
):
    child = child_of(family)
    registry.mirror(family, **{child.nik: {field: registry_value}})

    sync(family)
    d = only_discrepancy(kind=kind)
    assert (d.status, d.registry_value) == ("OPEN", registry_value)
    assert state_of(child) == ("PENANGGUHAN", "DUKCAPIL_MISMATCH", "DUKCAPIL_MISMATCH")

    discrepancy_accept(discrepancy=d, actor=staff)

    child.refresh_from_db()
    assert getattr(child, field) == stored
    assert state_of(child) == ("AKTIF", "ACTIVE", "")


@pytest.mark.parametrize(
    ("kind", "field", "registry_value"),
    [(Kind.BIRTH_DATE, "birth_date", "1986-06-15"), (Kind.SEX, "sex", "P")],
)
def test_birth_date_and_sex_kept(registry, family, staff, kind, field, registry_value):
    child = child_of(family)
    before = getattr(child, field)
    registry.mirror(family, **{child.nik: {field: registry_value}})
    sync(family)

    discrepancy_keep(discrepancy=only_discrepancy(kind=kind), actor=staff, reason="birth cert")

    child.refresh_from_db()
    assert getattr(child, field) == before
    assert state_of(child) == ("AKTIF", "ACTIVE", "")
    assert sync(family).differences == 0


# --- NIK unknown --------------------------------------------------------------------------


@pytest.fixture
def unknown_nik(registry, family):
    child = child_of(family)
    # The registry lists everyone but the child.
    for p in members(family):
        if p.pk == child.pk:
            continue
        registry.control(
            {
                "action": "upsert_person",
                "nik": p.nik,
                "name": p.name,
                "birth_place": "JAKARTA",
                "birth_date": p.birth_date.isoformat(),
                "sex": p.sex,
                "address": "-",
            }
        )
    sync(family)
    return child


def test_unknown_nik_is_queued_and_suspends(unknown_nik):
    d = only_discrepancy(kind=Kind.NIK_UNKNOWN)

    assert (d.status, d.our_value, d.registry_value) == ("OPEN", unknown_nik.nik, "")
    assert state_of(unknown_nik) == ("PENANGGUHAN", "NIK_NOT_FOUND", "NIK_NOT_FOUND")


def test_unknown_nik_accepted_with_the_nik_the_registry_knows(unknown_nik, staff, registry):
    d = only_discrepancy(kind=Kind.NIK_UNKNOWN)
    right = new_nik(birth_date=unknown_nik.birth_date, sex=unknown_nik.sex)

    with pytest.raises(ValidationFailed) as unknown_too:
        discrepancy_accept(discrepancy=d, actor=staff, nik=right)
    assert unknown_too.value.code == "NIK_NOT_IN_REGISTRY"
    registry.control(
        {
            "action": "upsert_person",
            "nik": right,
            "name": unknown_nik.name,
            "birth_place": "JAKARTA",
            "birth_date": unknown_nik.birth_date.isoformat(),
            "sex": unknown_nik.sex,
            "address": "-",
        }
    )
    discrepancy_accept(discrepancy=d, actor=staff, nik=right)

    unknown_nik.refresh_from_db()
    assert unknown_nik.nik == right
    assert state_of(unknown_nik) == ("AKTIF", "ACTIVE", "")


def test_unknown_nik_kept(unknown_nik, staff, family):
    discrepancy_keep(
        discrepancy=only_discrepancy(kind=Kind.NIK_UNKNOWN),
        actor=staff,
        reason="registry lags; KTP seen",
    )

    assert state_of(unknown_nik) == ("AKTIF", "ACTIVE", "")
    assert sync(family).differences == 0
    assert state_of(unknown_nik)[0] == "AKTIF"


# --- deaths -------------------------------------------------------------------------------


@pytest.fixture
def deceased(registry, family):
    child = child_of(family)
    registry.mirror(family)
    registry.control({"action": "death", "nik": child.nik, "date": "2026-10-03"})
    sync(family)
    return child


def test_death_is_applied_at_once_and_queued(deceased):
    d = only_discrepancy(kind=Kind.NIK_DECEASED)

    deceased.refresh_from_db()
    assert deceased.date_of_death == dt.date(2026, 10, 3)
    assert state_of(deceased) == ("TIDAK_AKTIF", "DECEASED", "")
    assert (d.status, d.our_value, d.registry_value) == ("OPEN", "", "2026-10-03")


def test_death_confirmed(deceased, staff, family):
    discrepancy_accept(discrepancy=only_discrepancy(kind=Kind.NIK_DECEASED), actor=staff)

    assert state_of(deceased)[:2] == ("TIDAK_AKTIF", "DECEASED")
    sync(family)
    assert Discrepancy.objects.count() == 1


def test_death_kept_ours_undoes_it_and_is_never_reapplied(deceased, staff, family):
    discrepancy_keep(
        discrepancy=only_discrepancy(kind=Kind.NIK_DECEASED),
        actor=staff,
        reason="participant came to the branch in person",
    )

    deceased.refresh_from_db()
    assert deceased.date_of_death is None
    assert state_of(deceased) == ("AKTIF", "ACTIVE", "")
    sync(family)
    deceased.refresh_from_db()
    assert deceased.date_of_death is None
    assert only_discrepancy(kind=Kind.NIK_DECEASED).status == "KEPT"


def test_death_withdrawn_by_the_registry_is_undone(deceased, registry, family):
    registry.control(
        {
            "action": "upsert_person",
            "nik": deceased.nik,
            "name": deceased.name,
            "birth_place": "JAKARTA",
            "birth_date": deceased.birth_date.isoformat(),
            "sex": deceased.sex,
            "address": family.address,
        }
    )

    sync(family)

    deceased.refresh_from_db()
    assert deceased.date_of_death is None
    assert only_discrepancy(kind=Kind.NIK_DECEASED).status == "RESOLVED"


# --- moved to another KK --------------------------------------------------------------------

NEW_KK = "3174051203260001"


@pytest.fixture
def moved(registry, family):
    child = child_of(family)
    registry.mirror(family)
    registry.control(
        {
            "action": "upsert_family",
            "kk_number": NEW_KK,
            "address": "JL. BARU 1",
            "district_code": "317405",
            "members": [[child.nik, "KEPALA"]],
            "valid_from": "2026-11-01",
        }
    )
    sync(family)
    return child


def test_moved_kk_is_queued(moved, family):
    d = only_discrepancy(kind=Kind.MOVED_KK)

    assert (d.status, d.our_value, d.registry_value) == ("OPEN", family.number, NEW_KK)
    assert state_of(moved) == ("PENANGGUHAN", "DUKCAPIL_MISMATCH", "DUKCAPIL_MISMATCH")


def test_moved_kk_accepted_moves_the_membership(moved, staff, family):
    discrepancy_accept(discrepancy=only_discrepancy(kind=Kind.MOVED_KK), actor=staff)

    current = FamilyMembership.objects.get(participant=moved, valid_to__isnull=True)
    assert current.family.number == NEW_KK
    assert (current.relationship, current.is_main) == ("KEPALA", True)
    assert current.family.branch == family.branch
    assert FamilyMembership.objects.filter(participant=moved, family=family).get().valid_to
    assert state_of(moved) == ("AKTIF", "ACTIVE", "")


def test_moved_kk_kept(moved, staff, family):
    discrepancy_keep(
        discrepancy=only_discrepancy(kind=Kind.MOVED_KK), actor=staff, reason="move not final"
    )

    assert FamilyMembership.objects.get(participant=moved, valid_to__isnull=True).family == family
    assert state_of(moved) == ("AKTIF", "ACTIVE", "")


# --- new member on the KK, newborns ------------------------------------------------------------


@pytest.fixture
def new_member(registry, family, baby_birth):
    registry.mirror(family)
    baby_nik = new_nik(birth_date=baby_birth, sex="P")
    registry.control(
        {
            "action": "birth",
            "kk_number": family.number,
            "nik": baby_nik,
            "name": "PUTRI AYU",
            "birth_date": baby_birth.isoformat(),
            "sex": "P",
            "birth_place": "JAKARTA",
        }
    )
    sync(family)
    return baby_nik


def test_new_member_is_offered_to_the_family_without_suspending_anyone(new_member, family):
    d = only_discrepancy(kind=Kind.NEW_KK_MEMBER)

    assert (d.status, d.participant, d.family, d.key) == ("OPEN", None, family, new_member)
    assert d.detail["name"] == "PUTRI AYU"
    assert {state_of(p)[0] for p in members(family)} == {"AKTIF"}


def test_new_member_accepted_is_registered_into_the_family(new_member, staff, family, baby_birth):
    discrepancy_accept(discrepancy=only_discrepancy(kind=Kind.NEW_KK_MEMBER), actor=staff)

    baby = Participant.objects.get(nik=new_member)
    head = members(family)[0]
    membership = FamilyMembership.objects.get(participant=baby, valid_to__isnull=True)
    assert (membership.family, membership.relationship, membership.is_main) == (
        family,
        "ANAK",
        False,
    )
    assert (baby.name, baby.segment, baby.fktp, baby.coverage_start) == (
        "PUTRI AYU",
        head.segment,
        head.fktp,
        baby_birth,
    )
    assert baby.card_number.startswith("0002")
    # Covered from birth once the iuran from the month of birth is paid (DESIGN.md 4.5).
    assert state_of(baby)[:2] == ("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT")
    assert sync(family).differences == 0


def test_new_member_kept(new_member, staff, family):
    discrepancy_keep(
        discrepancy=only_discrepancy(kind=Kind.NEW_KK_MEMBER),
        actor=staff,
        reason="registered with the other parent",
    )

    assert not Participant.objects.filter(nik=new_member).exists()
    assert sync(family).differences == 0


def test_newborn_without_nik_gets_it_once_the_registry_has_it(registry, family, baby_birth):
    registry.mirror(family)
    baby = add_member(family, name="Bayi Ny. Test", birth_date=baby_birth, sex="P", nik=None)
    assert state_of(baby)[:2] == ("AKTIF", "ACTIVE")  # never refreshed by the test helper
    sync(family)
    assert not Discrepancy.objects.exists()  # nothing at Dukcapil yet

    baby_nik = new_nik(birth_date=baby_birth, sex="P")
    registry.control(
        {
            "action": "birth",
            "kk_number": family.number,
            "nik": baby_nik,
            "name": "PUTRI AYU",
            "birth_date": baby_birth.isoformat(),
            "sex": "P",
            "birth_place": "JAKARTA",
        }
    )
    run = sync(family)

    baby.refresh_from_db()
    assert (baby.nik, baby.name) == (baby_nik, "PUTRI AYU")
    assert (run.differences, run.applied) == (1, 1)
    d = only_discrepancy(kind=Kind.NEW_KK_MEMBER)
    assert (d.participant, d.status) == (baby, "APPLIED")
    assert baby.history.first().history_change_reason == "Dukcapil sync: newborn NIK issued"


# --- duplicate NIK in our data ----------------------------------------------------------------


@pytest.fixture
def duplicate(registry, family, baby_birth):
    """Our newborn (no NIK yet) in this family; the same baby registered in another family
    with the NIK that Dukcapil has now issued on this family's KK."""
    registry.mirror(family)
    baby = add_member(family, name="Bayi Ny. Test", birth_date=baby_birth, sex="P", nik=None)
    other_family, _head = make_family(1, paid_through=months_ago(0))
    baby_nik = new_nik(birth_date=baby_birth, sex="P")
    twin = add_member(other_family, name="Putri Ayu", birth_date=baby_birth, sex="P", nik=baby_nik)
    registry.control(
        {
            "action": "birth",
            "kk_number": family.number,
            "nik": baby_nik,
            "name": "PUTRI AYU",
            "birth_date": baby_birth.isoformat(),
            "sex": "P",
            "birth_place": "JAKARTA",
        }
    )
    sync(family)
    return baby, twin, baby_nik


def test_duplicate_nik_is_queued_and_suspends(duplicate):
    baby, twin, baby_nik = duplicate
    d = only_discrepancy(kind=Kind.DUPLICATE_NIK)

    assert (d.status, d.participant, d.key) == ("OPEN", baby, baby_nik)
    assert d.detail["other_card_number"] == twin.card_number
    assert state_of(baby) == ("PENANGGUHAN", "DUPLICATE_NIK", "DUPLICATE_NIK")
    assert twin.card_number in baby.hold_note


def test_duplicate_nik_accepted_merges_the_other_record(duplicate, staff):
    baby, twin, baby_nik = duplicate

    discrepancy_accept(discrepancy=only_discrepancy(kind=Kind.DUPLICATE_NIK), actor=staff)

    baby.refresh_from_db()
    twin.refresh_from_db()
    assert (baby.nik, baby.name) == (baby_nik, "PUTRI AYU")
    assert (twin.retired_at is not None, twin.merged_into) == (True, baby)
    assert not FamilyMembership.objects.filter(participant=twin, valid_to__isnull=True).exists()
    assert state_of(baby) == ("AKTIF", "ACTIVE", "")


def test_duplicate_nik_kept(duplicate, staff, family):
    baby, twin, _ = duplicate

    discrepancy_keep(
        discrepancy=only_discrepancy(kind=Kind.DUPLICATE_NIK), actor=staff, reason="two babies"
    )

    baby.refresh_from_db()
    assert baby.nik is None and baby.registry_hold == ""
    # A paid newborn within 3 months of birth stays AKTIF while the NIK is not issued.
    assert state_of(baby)[:2] == ("AKTIF", "ACTIVE")
    twin.refresh_from_db()
    assert twin.retired_at is None
    assert sync(family).differences == 0


# --- holds set by staff ----------------------------------------------------------------------


def test_the_sync_never_lifts_a_hold_staff_set(registry, family):
    child = child_of(family)
    Participant.objects.filter(pk=child.pk).update(
        registry_hold="DUPLICATE_NIK", hold_note="checked by branch"
    )
    registry.mirror(family)

    sync(family)

    child.refresh_from_db()
    assert (child.registry_hold, child.hold_note) == ("DUPLICATE_NIK", "checked by branch")


def test_an_open_difference_that_disappears_is_resolved_and_lifts_the_hold(
    name_mismatch, registry, family
):
    registry.control(
        {"action": "correct_name", "nik": name_mismatch.nik, "name": name_mismatch.name}
    )

    sync(family)

    assert only_discrepancy(kind=Kind.NAME).status == "RESOLVED"
    assert state_of(name_mismatch) == ("AKTIF", "ACTIVE", "")
