"""Writes to the mock registry: seeding (upserts) and the life events used in demos and tests.

Each function is one transaction. Memberships are ended (`valid_to` set), never deleted, so
the registry keeps the dated history a real KK has."""

import datetime as dt
import re
from typing import Any

from django.db import transaction

from .models import (
    Person,
    RegistryFamilyCard,
    RegistryMembership,
    RegistrySettings,
    Relationship,
    Sex,
)

_SIXTEEN_DIGITS = re.compile(r"\d{16}")


class RegistryError(Exception):
    """A registry write that cannot be done; `code` is machine-readable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _check_number(value: str, *, label: str) -> None:
    if not _SIXTEEN_DIGITS.fullmatch(value):
        raise RegistryError("invalid_number", f"{label} must be 16 digits, got {value!r}")


def _check_choice(value: str, *, allowed: list[str], label: str) -> None:
    if value not in allowed:
        raise RegistryError("invalid_choice", f"{label} must be one of {allowed}, got {value!r}")


def _get_person(nik: str) -> Person:
    person = Person.objects.select_for_update().filter(nik=nik).first()
    if person is None:
        raise RegistryError("unknown_nik", f"NIK {nik} is not in the registry")
    return person


def _get_card(kk_number: str) -> RegistryFamilyCard:
    card = RegistryFamilyCard.objects.select_for_update().filter(kk_number=kk_number).first()
    if card is None:
        raise RegistryError("unknown_kk", f"KK {kk_number} is not in the registry")
    return card


def _current_membership(person: Person) -> RegistryMembership | None:
    return (
        RegistryMembership.objects.select_for_update()
        .select_related("family_card")
        .filter(person=person, valid_to__isnull=True)
        .first()
    )


def _end_membership(membership: RegistryMembership, *, on: dt.date) -> None:
    if on < membership.valid_from:
        raise RegistryError(
            "date_before_membership",
            f"NIK {membership.person_id} joined KK {membership.family_card.kk_number} on "
            f"{membership.valid_from}; cannot leave it on {on}",
        )
    membership.valid_to = on
    membership.save(update_fields=["valid_to"])


def _save_if_changed(obj: Person | RegistryFamilyCard, values: dict[str, object]) -> None:
    """Save only real changes, so re-running a seed leaves `updated_at` alone."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=[*changed, "updated_at"])


@transaction.atomic
def registry_upsert_person(
    *,
    nik: str,
    name: str,
    birth_place: str,
    birth_date: dt.date,
    sex: str,
    address: str,
    is_alive: bool = True,
    date_of_death: dt.date | None = None,
    marital_status: str = "",
) -> Person:
    _check_number(nik, label="NIK")
    _check_choice(sex, allowed=Sex.values, label="sex")
    if is_alive and date_of_death is not None:
        raise RegistryError("invalid_death", "a living person has no date of death")
    values: dict[str, object] = {
        "name": name,
        "birth_place": birth_place,
        "birth_date": birth_date,
        "sex": sex,
        "address": address,
        "marital_status": marital_status,
        "is_alive": is_alive,
        "date_of_death": date_of_death,
    }
    person = Person.objects.select_for_update().filter(nik=nik).first()
    if person is None:
        return Person.objects.create(nik=nik, **values)
    _save_if_changed(person, values)
    return person


@transaction.atomic
def registry_upsert_family(
    *,
    kk_number: str,
    address: str,
    district_code: str,
    members: list[tuple[str, str]],
    valid_from: dt.date,
) -> RegistryFamilyCard:
    """Create or update a KK and put the listed persons on it from `valid_from`.

    A listed person currently on another KK leaves it on `valid_from`. Current members not
    listed are left alone: the seed describes who is on the card, not who has left it."""
    _check_number(kk_number, label="KK number")
    for _nik, relationship in members:
        _check_choice(relationship, allowed=Relationship.values, label="relationship")
    head_nik = next((nik for nik, rel in members if rel == Relationship.HEAD), "")
    values: dict[str, object] = {"address": address, "district_code": district_code}
    card = RegistryFamilyCard.objects.select_for_update().filter(kk_number=kk_number).first()
    if card is None:
        card = RegistryFamilyCard.objects.create(kk_number=kk_number, head_nik=head_nik, **values)
    else:
        _save_if_changed(card, {**values, "head_nik": head_nik or card.head_nik})

    for nik, relationship in members:
        person = _get_person(nik)
        current = _current_membership(person)
        if current is not None and current.family_card_id == card.pk:
            if current.relationship != relationship:
                current.relationship = relationship
                current.save(update_fields=["relationship"])
            continue
        if current is not None:
            _end_membership(current, on=valid_from)
        RegistryMembership.objects.create(
            family_card=card, person=person, relationship=relationship, valid_from=valid_from
        )
    return card


@transaction.atomic
def registry_birth(
    *,
    kk_number: str,
    nik: str,
    name: str,
    birth_date: dt.date,
    sex: str,
    birth_place: str,
) -> Person:
    """A newborn is registered on the parents' KK as a child, living at its address."""
    card = _get_card(kk_number)
    _check_number(nik, label="NIK")
    _check_choice(sex, allowed=Sex.values, label="sex")
    if Person.objects.filter(nik=nik).exists():
        raise RegistryError("nik_exists", f"NIK {nik} is already in the registry")
    person = Person.objects.create(
        nik=nik,
        name=name,
        birth_place=birth_place,
        birth_date=birth_date,
        sex=sex,
        address=card.address,
    )
    RegistryMembership.objects.create(
        family_card=card, person=person, relationship=Relationship.CHILD, valid_from=birth_date
    )
    return person


@transaction.atomic
def registry_death(*, nik: str, date: dt.date | None = None) -> Person:
    """Mark the person deceased (`date` None: reported without a date). The KK membership
    is kept: reissuing the KK is a separate event (registry_split_kk / registry_move), as it
    is at Dukcapil."""
    person = _get_person(nik)
    if date is not None and date < person.birth_date:
        raise RegistryError("date_before_birth", f"NIK {nik} was born on {person.birth_date}")
    _save_if_changed(person, {"is_alive": False, "date_of_death": date})
    return person


@transaction.atomic
def registry_move(
    *,
    nik: str,
    to_kk_number: str,
    on: dt.date,
    relationship: str = Relationship.OTHER,
) -> RegistryMembership:
    """Move a person to another KK on `on`: the old membership ends, a new one starts, and the
    person's address becomes the new KK's."""
    _check_choice(relationship, allowed=Relationship.values, label="relationship")
    person = _get_person(nik)
    card = _get_card(to_kk_number)
    current = _current_membership(person)
    if current is not None:
        if current.family_card_id == card.pk:
            raise RegistryError("already_member", f"NIK {nik} is already on KK {to_kk_number}")
        _end_membership(current, on=on)
    _save_if_changed(person, {"address": card.address})
    return RegistryMembership.objects.create(
        family_card=card, person=person, relationship=relationship, valid_from=on
    )


@transaction.atomic
def registry_correct_name(*, nik: str, name: str) -> Person:
    person = _get_person(nik)
    _save_if_changed(person, {"name": name})
    return person


@transaction.atomic
def registry_split_kk(
    *, from_kk: str, new_kk: str, niks: list[str], on: dt.date
) -> RegistryFamilyCard:
    """Issue a new KK for some members of an existing one (for example a married child).

    The first NIK listed heads the new KK; the others keep their relationship, except that a
    former head who is not listed first becomes LAINNYA (a KK has one head)."""
    if not niks:
        raise RegistryError("no_members", "a split needs at least one NIK")
    _check_number(new_kk, label="KK number")
    source = _get_card(from_kk)
    if RegistryFamilyCard.objects.filter(kk_number=new_kk).exists():
        raise RegistryError("kk_exists", f"KK {new_kk} is already in the registry")
    card = RegistryFamilyCard.objects.create(
        kk_number=new_kk,
        address=source.address,
        district_code=source.district_code,
        head_nik=niks[0],
    )
    for index, nik in enumerate(niks):
        person = _get_person(nik)
        current = _current_membership(person)
        if current is None or current.family_card_id != source.pk:
            raise RegistryError("not_a_member", f"NIK {nik} is not a current member of {from_kk}")
        _end_membership(current, on=on)
        relationship = current.relationship
        if index == 0:
            relationship = Relationship.HEAD
        elif relationship == Relationship.HEAD:
            relationship = Relationship.OTHER
        RegistryMembership.objects.create(
            family_card=card, person=person, relationship=relationship, valid_from=on
        )
    if source.head_nik in niks:
        # The old KK has lost its head; Dukcapil would name a new one on reissue.
        _save_if_changed(source, {"head_nik": ""})
    return card


def registry_reset() -> None:
    """Empty the registry (tests and the benchmark start from a known state)."""
    RegistryMembership.objects.all().delete()
    RegistryFamilyCard.objects.all().delete()
    Person.objects.all().delete()


@transaction.atomic
def registry_bulk_load(
    *, persons: list[dict[str, Any]], families: list[dict[str, Any]], batch_size: int = 2000
) -> tuple[int, int, int]:
    """Load many new persons and KKs at once (the benchmark's 100000 people), with
    `bulk_create`. For an empty registry: existing NIKs or KK numbers are a conflict.

    persons: {nik, name, birth_place, birth_date (date), sex, address, is_alive,
    date_of_death}; families: {kk_number, address, district_code, valid_from (date),
    members: [(nik, relationship), ...]}. Returns (persons, cards, memberships) created."""
    person_rows = []
    for p in persons:
        _check_number(str(p["nik"]), label="NIK")
        _check_choice(str(p["sex"]), allowed=Sex.values, label="sex")
        person_rows.append(
            Person(
                nik=p["nik"],
                name=p["name"],
                birth_place=p.get("birth_place", ""),
                birth_date=p["birth_date"],
                sex=p["sex"],
                address=p.get("address", ""),
                is_alive=p.get("is_alive", True),
                date_of_death=p.get("date_of_death"),
            )
        )
    Person.objects.bulk_create(person_rows, batch_size=batch_size)
    cards = []
    for f in families:
        _check_number(str(f["kk_number"]), label="KK number")
        members = list(f["members"])
        cards.append(
            RegistryFamilyCard(
                kk_number=f["kk_number"],
                address=f.get("address", ""),
                district_code=f.get("district_code", ""),
                head_nik=next((n for n, rel in members if rel == Relationship.HEAD), ""),
            )
        )
    RegistryFamilyCard.objects.bulk_create(cards, batch_size=batch_size)
    # All cards: an IN list of 100000 numbers is too long for SQLite.
    ids = dict(RegistryFamilyCard.objects.values_list("kk_number", "pk").iterator())
    memberships = []
    for f in families:
        for nik, relationship in f["members"]:
            _check_choice(relationship, allowed=Relationship.values, label="relationship")
            memberships.append(
                RegistryMembership(
                    family_card_id=ids[f["kk_number"]],
                    person_id=nik,
                    relationship=relationship,
                    valid_from=f["valid_from"],
                )
            )
    RegistryMembership.objects.bulk_create(memberships, batch_size=batch_size)
    return len(person_rows), len(cards), len(memberships)


def registry_set_faults(*, latency_ms: int, error_rate: float, outage: bool) -> None:
    """Make the registry slow, flaky or down (the same row the admin switch edits)."""
    if latency_ms < 0 or not 0.0 <= error_rate <= 1.0:
        raise RegistryError("invalid_faults", "latency >= 0 and 0 <= error rate <= 1")
    RegistrySettings.objects.update_or_create(
        pk=1, defaults={"latency_ms": latency_ms, "error_rate": error_rate, "outage": outage}
    )
