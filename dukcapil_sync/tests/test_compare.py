"""The comparison rules as pure functions (no database, no HTTP)."""

import datetime as dt

import pytest

from dukcapil_sync.client import RegistryFamilyCard, RegistryMember, RegistryPerson
from dukcapil_sync.compare import (
    OurMember,
    RecordProblem,
    compare_family,
    compare_person,
    name_difference,
)

SAFE = frozenset({"NAME_CASE", "NAME_SPACING"})
BIRTH = dt.date(1990, 1, 2)


def ours(**kw) -> OurMember:
    base = {
        "participant_id": 1,
        "nik": "3174010201900001",
        "name": "Budi Santoso",
        "birth_date": BIRTH,
        "sex": "L",
        "date_of_death": None,
        "family_id": 10,
        "kk_number": "3174010101200001",
    }
    return OurMember(**{**base, **kw})


def theirs(**kw) -> RegistryPerson:
    base = {
        "nik": "3174010201900001",
        "name": "Budi Santoso",
        "birth_place": "JAKARTA",
        "birth_date": BIRTH,
        "sex": "L",
        "address": "-",
        "is_alive": True,
        "date_of_death": None,
        "kk_number": "3174010101200001",
        "relationship": "KEPALA",
    }
    return RegistryPerson(**{**base, **kw})


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Budi Santoso", "Budi Santoso", None),
        ("Budi Santoso", "BUDI SANTOSO", {"NAME_CASE"}),
        ("Budi  Santoso ", "Budi Santoso", {"NAME_SPACING"}),
        ("budi  santoso", "BUDI SANTOSO", {"NAME_CASE", "NAME_SPACING"}),
        ("Budi Santoso", "Budi Santosa", {"OTHER"}),
        ("Budi Santoso", "BudiSantoso", {"OTHER"}),
    ],
)
def test_name_difference_categories(a, b, expected):
    assert name_difference(a, b) == (frozenset(expected) if expected is not None else None)


def test_same_data_has_no_observation():
    assert compare_person(ours(), theirs(), safe=SAFE) == []


def test_safe_name_is_applied_unsafe_is_queued():
    (safe,) = compare_person(ours(), theirs(name="BUDI SANTOSO"), safe=SAFE)
    (unsafe,) = compare_person(ours(), theirs(name="BUDI SANTOSO"), safe=frozenset())

    assert (safe.status, safe.apply, safe.reason) == (
        "APPLIED",
        {"name": "BUDI SANTOSO"},
        "Dukcapil sync: name_case",
    )
    assert (unsafe.status, unsafe.apply) == ("OPEN", {})


def test_every_person_kind():
    found = compare_person(
        ours(),
        theirs(
            name="Budi Susanto",
            birth_date=dt.date(1990, 1, 3),
            sex="P",
            is_alive=False,
            date_of_death=dt.date(2026, 1, 1),
            kk_number="3174010101200099",
        ),
        safe=SAFE,
    )

    assert [(o.kind, o.our_value, o.registry_value) for o in found] == [
        ("NAME", "Budi Santoso", "Budi Susanto"),
        ("BIRTH_DATE", "1990-01-02", "1990-01-03"),
        ("SEX", "L", "P"),
        ("NIK_DECEASED", "", "2026-01-01"),
        ("MOVED_KK", "3174010101200001", "3174010101200099"),
    ]
    death = found[3]
    assert death.apply == {"date_of_death": dt.date(2026, 1, 1)} and death.differs


def test_unknown_nik_and_a_death_we_already_hold():
    (unknown,) = compare_person(ours(), None, safe=SAFE)
    (known_death,) = compare_person(
        ours(date_of_death=dt.date(2026, 1, 1)),
        theirs(is_alive=False, date_of_death=dt.date(2026, 1, 1)),
        safe=SAFE,
    )

    assert (unknown.kind, unknown.key, unknown.registry_value) == ("NIK_UNKNOWN", ours().nik, "")
    assert (known_death.apply, known_death.differs) == ({}, False)


def test_registry_name_longer_than_ours_is_a_record_problem():
    with pytest.raises(RecordProblem) as problem:
        compare_person(ours(), theirs(name="B" * 130), safe=SAFE)
    assert problem.value.code == "REGISTRY_NAME_TOO_LONG"


def member(nik: str, name: str, birth: dt.date, sex: str = "L") -> RegistryMember:
    return RegistryMember(nik, name, birth, sex, "ANAK", birth)


def test_family_new_member_newborn_nik_duplicate_and_moved_in():
    newborn_day = dt.date(2026, 11, 1)
    card = RegistryFamilyCard(
        "3174010101200001",
        "-",
        "317401",
        (
            member("3174010201900001", "BUDI", BIRTH),
            member("3174010111260001", "BAYI ASLI", newborn_day),  # our newborn
            member("3174010111260002", "ADIK", dt.date(2020, 5, 5)),  # new to us
            member("3174010111260003", "PINDAHAN", dt.date(2001, 5, 5)),  # ours elsewhere
        ),
    )
    newborn = ours(participant_id=2, nik=None, name="Bayi Ny. X", birth_date=newborn_day)

    found = compare_family(
        family_id=10,
        members=[ours(), newborn],
        card=card,
        nik_owners={"3174010111260003": (99, "0001000000099")},
    )

    assert [(o.kind, o.participant_id, o.key, o.status) for o in found] == [
        ("NEW_KK_MEMBER", 2, "3174010111260001", "APPLIED"),
        ("NEW_KK_MEMBER", None, "3174010111260002", "OPEN"),
    ]
    assert found[0].apply == {"nik": "3174010111260001", "name": "BAYI ASLI"}

    duplicate = compare_family(
        family_id=10,
        members=[ours(), newborn],
        card=card,
        nik_owners={
            "3174010111260001": (77, "0001000000077"),
            "3174010111260003": (99, "0001000000099"),
        },
    )
    assert (duplicate[0].kind, duplicate[0].participant_id, duplicate[0].apply) == (
        "DUPLICATE_NIK",
        2,
        {},
    )
    assert duplicate[0].detail["other_card_number"] == "0001000000077"
