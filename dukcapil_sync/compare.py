"""Compare our participants with the registry: pure functions, no queries, no HTTP.

`compare_person` checks one participant against the registry's record of their NIK;
`compare_family` checks our members of a KK against the registry's list of that KK (new
members, a newborn's NIK). Both return observations; `services.reconcile` turns them into
discrepancy rows, applied facts and holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .client import RegistryFamilyCard, RegistryMember, RegistryPerson
from .models import Discrepancy, Kind

NAME_MAX_LENGTH = 120  # Participant.name

# Kinds each check covers: an open difference of these kinds that a completed check no
# longer sees is closed as RESOLVED.
PERSON_KINDS = frozenset(
    {
        Kind.NAME,
        Kind.BIRTH_DATE,
        Kind.SEX,
        Kind.NIK_UNKNOWN,
        Kind.NIK_DECEASED,
        Kind.MOVED_KK,
        Kind.ADDRESS,
        Kind.MARITAL_STATUS,
    }
)
FAMILY_KINDS = frozenset({Kind.NEW_KK_MEMBER, Kind.DUPLICATE_NIK, Kind.NEWBORN_NIK})
# The registry's relationship code of a child on a KK.
REGISTRY_CHILD = "ANAK"
# Key of a death reported without a date (the row's key names the registry value).
UNDATED_DEATH = "TANPA_TANGGAL"


@dataclass(frozen=True)
class OurMember:
    """What we hold about one live participant, as the comparison needs it."""

    participant_id: int
    nik: str | None
    name: str
    birth_date: dt.date
    sex: str
    date_of_death: dt.date | None
    family_id: int | None
    kk_number: str | None
    address: str = ""  # the family card's
    marital_status: str = ""


@dataclass
class Observation:
    kind: str
    key: str
    our_value: str
    registry_value: str
    participant_id: int | None
    family_id: int | None
    # OPEN: queued for staff; APPLIED: safe, applied at once.
    status: str = Discrepancy.Status.OPEN
    # Facts set on the participant when the difference is first recorded (a safe name fix,
    # a death, a newborn's NIK); never again once staff decided the difference.
    apply: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    # False: our data already agrees (a death we recorded): no new row, but an open one
    # stays open rather than being closed as resolved.
    differs: bool = True


class RecordProblem(Exception):
    """The registry's record cannot be used for this participant (reported, not recorded
    as a difference)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def name_difference(ours: str, theirs: str) -> frozenset[str] | None:
    """None when the names are the same; otherwise the safe categories that explain the
    whole difference ({"NAME_CASE"}, {"NAME_SPACING"} or both), or {"OTHER"}."""
    if ours == theirs:
        return None
    squeezed_ours, squeezed_theirs = " ".join(ours.split()), " ".join(theirs.split())
    if squeezed_ours.casefold() != squeezed_theirs.casefold():
        return frozenset({"OTHER"})
    categories = set()
    if squeezed_ours != squeezed_theirs:
        categories.add("NAME_CASE")
    if ours.casefold() != theirs.casefold():
        categories.add("NAME_SPACING")
    return frozenset(categories)


def compare_person(
    member: OurMember, person: RegistryPerson | None, *, safe: frozenset[str]
) -> list[Observation]:
    """Differences between one participant (who has a NIK) and the registry's record."""
    assert member.nik
    pid, fid = member.participant_id, member.family_id
    if person is None:
        return [
            Observation(
                Kind.NIK_UNKNOWN,
                key=member.nik,
                our_value=member.nik,
                registry_value="",
                participant_id=pid,
                family_id=fid,
            )
        ]
    found: list[Observation] = []
    categories = name_difference(member.name, person.name)
    if categories is not None:
        if len(person.name) > NAME_MAX_LENGTH:
            raise RecordProblem(
                "REGISTRY_NAME_TOO_LONG",
                f"registry name has {len(person.name)} characters; ours hold "
                f"{NAME_MAX_LENGTH}: {person.name[:60]}...",
            )
        is_safe = categories <= safe
        found.append(
            Observation(
                Kind.NAME,
                key=person.name,
                our_value=member.name,
                registry_value=person.name,
                participant_id=pid,
                family_id=fid,
                status=Discrepancy.Status.APPLIED if is_safe else Discrepancy.Status.OPEN,
                apply={"name": person.name} if is_safe else {},
                reason="Dukcapil sync: " + "+".join(sorted(categories)).lower(),
            )
        )
    if person.birth_date != member.birth_date:
        found.append(
            Observation(
                Kind.BIRTH_DATE,
                key=person.birth_date.isoformat(),
                our_value=member.birth_date.isoformat(),
                registry_value=person.birth_date.isoformat(),
                participant_id=pid,
                family_id=fid,
            )
        )
    if person.sex != member.sex:
        found.append(
            Observation(
                Kind.SEX,
                key=person.sex,
                our_value=member.sex,
                registry_value=person.sex,
                participant_id=pid,
                family_id=fid,
            )
        )
    if not person.is_alive and person.date_of_death:
        # The registry is the source of truth for deaths: applied at once (TIDAK AKTIF,
        # DECEASED) and queued so that staff confirm it or undo it with a reason.
        death = person.date_of_death
        found.append(
            Observation(
                Kind.NIK_DECEASED,
                key=death.isoformat(),
                our_value=member.date_of_death.isoformat() if member.date_of_death else "",
                registry_value=death.isoformat(),
                participant_id=pid,
                family_id=fid,
                apply={"date_of_death": death} if member.date_of_death != death else {},
                reason="Dukcapil sync: deceased",
                differs=member.date_of_death != death,
            )
        )
    if not person.is_alive and person.date_of_death is None and member.date_of_death is None:
        # Reported dead without a date: nothing is applied (the date decides coverage and
        # the bills); staff confirm it with the date from the death certificate.
        found.append(
            Observation(
                Kind.NIK_DECEASED,
                key=UNDATED_DEATH,
                our_value="",
                registry_value="",
                participant_id=pid,
                family_id=fid,
                reason="Dukcapil sync: deceased, no date",
            )
        )
    if person.marital_status and person.marital_status != member.marital_status:
        # The registry is the source of truth for marital status, and it decides whether a
        # child is still a PPU family member: applied at once, with an audit row.
        found.append(
            Observation(
                Kind.MARITAL_STATUS,
                key=person.marital_status,
                our_value=member.marital_status,
                registry_value=person.marital_status,
                participant_id=pid,
                family_id=fid,
                status=Discrepancy.Status.APPLIED,
                apply={"marital_status": person.marital_status},
                reason="Dukcapil sync: marital status",
            )
        )
    if (
        person.address
        and member.address
        and _address_key(person.address) != _address_key(member.address)
    ):
        found.append(
            Observation(
                Kind.ADDRESS,
                key=_address_key(person.address)[:255],
                our_value=member.address[:255],
                registry_value=person.address[:255],
                participant_id=pid,
                family_id=fid,
            )
        )
    if person.kk_number and member.kk_number and person.kk_number != member.kk_number:
        found.append(
            Observation(
                Kind.MOVED_KK,
                key=person.kk_number,
                our_value=member.kk_number,
                registry_value=person.kk_number,
                participant_id=pid,
                family_id=fid,
                detail={"kk_number": person.kk_number, "relationship": person.relationship},
            )
        )
    return found


def _address_key(address: str) -> str:
    """Addresses compare without case, spacing and punctuation differences."""
    return " ".join("".join(c if c.isalnum() else " " for c in address.casefold()).split())


def newborn_nik_problem(newborn: OurMember, member: RegistryMember) -> str:
    """Why a NIK the registry issued cannot be applied to our newborn at once ('' if it
    can): the registry must list the baby as a child, and the NIK's date part must be the
    baby's birth date and sex (DESIGN.md 4.5)."""
    from django.core.exceptions import ValidationError

    from core.nik import validate_nik_matches

    if member.relationship != REGISTRY_CHILD:
        return f"relationship {member.relationship} on the KK, not ANAK"
    try:
        validate_nik_matches(
            member.nik, birth_date=newborn.birth_date, is_female=newborn.sex == "P"
        )
    except ValidationError as exc:
        return exc.messages[0]
    return ""


def member_detail(member: RegistryMember, kk_number: str) -> dict[str, Any]:
    return {
        "nik": member.nik,
        "name": member.name,
        "birth_date": member.birth_date.isoformat(),
        "sex": member.sex,
        "relationship": member.relationship,
        "kk_number": kk_number,
    }


def compare_family(
    *,
    family_id: int,
    members: list[OurMember],
    card: RegistryFamilyCard,
    nik_owners: dict[str, tuple[int, str]],
    other_niks: frozenset[str] = frozenset(),
) -> list[Observation]:
    """Registry members of our KK that we do not have.

    A newborn we registered without NIK who matches one of them (same birth date and sex,
    only one candidate) gets that NIK and name at once if the registry lists the baby as a
    child and the NIK's date part fits the baby's birth date and sex; otherwise staff check
    it (NEWBORN_NIK); if another live record already has
    that NIK it is a duplicate in our data. A member whose NIK we hold in another family has
    moved in (seen from their side as MOVED_KK). Anyone else is offered to the family.

    `members` are the ones this check may change; `other_niks` are further current members
    (read only)."""
    ours = {m.nik for m in members if m.nik} | other_niks
    newborns = [m for m in members if not m.nik]
    taken: set[int] = set()
    found: list[Observation] = []
    for rm in card.members:
        if rm.nik in ours:
            continue
        candidates = [
            m
            for m in newborns
            if m.participant_id not in taken and m.birth_date == rm.birth_date and m.sex == rm.sex
        ]
        detail = member_detail(rm, card.kk_number)
        registry_value = f"{rm.nik} {rm.name}"[:255]
        if len(candidates) == 1:
            newborn = candidates[0]
            taken.add(newborn.participant_id)
            owner = nik_owners.get(rm.nik)
            if owner is not None:
                found.append(
                    Observation(
                        Kind.DUPLICATE_NIK,
                        key=rm.nik,
                        our_value=newborn.name,
                        registry_value=registry_value,
                        participant_id=newborn.participant_id,
                        family_id=family_id,
                        detail={
                            **detail,
                            "other_participant_id": owner[0],
                            "other_card_number": owner[1],
                        },
                    )
                )
            elif problem := newborn_nik_problem(newborn, rm):
                found.append(
                    Observation(
                        Kind.NEWBORN_NIK,
                        key=rm.nik,
                        our_value=newborn.name,
                        registry_value=registry_value,
                        participant_id=newborn.participant_id,
                        family_id=family_id,
                        detail={**detail, "problem": problem},
                    )
                )
            else:
                found.append(
                    Observation(
                        Kind.NEW_KK_MEMBER,
                        key=rm.nik,
                        our_value=newborn.name,
                        registry_value=registry_value,
                        participant_id=newborn.participant_id,
                        family_id=family_id,
                        status=Discrepancy.Status.APPLIED,
                        apply={"nik": rm.nik, "name": rm.name[:NAME_MAX_LENGTH]},
                        reason="Dukcapil sync: newborn NIK issued",
                        detail=detail,
                    )
                )
            continue
        if rm.nik in nik_owners:
            continue
        found.append(
            Observation(
                Kind.NEW_KK_MEMBER,
                key=rm.nik,
                our_value="",
                registry_value=registry_value,
                participant_id=None,
                family_id=family_id,
                detail=detail,
            )
        )
    return found
