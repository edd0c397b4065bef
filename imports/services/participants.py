"""Participants with their family cards: validated whole, then written family by family."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from core.models import BranchOffice, Region
from core.nik import validate_kk_number, validate_nik_matches
from families.models import FamilyCard, Relationship
from families.services import family_card_create, family_members_set
from participants.models import Cause, Facility, Participant, Segment
from participants.services import participant_refresh_status, participant_register

from .common import ImportRejected, ImportReport, Progress, no_progress, region_codes

PARTICIPANT_COLUMNS = (
    "kk_number",
    "kk_address",
    "branch_code",
    "nik",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "relationship",
    "segment",
    "care_class",
    "fktp_code",
    "coverage_start",
    "paid_through",
)


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a date YYYY-MM-DD") from None


def _optional_month(value: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(f"{value[:7]}-01")
    except ValueError:
        raise ValueError(f"paid_through {value!r} is not a month YYYY-MM") from None


# --- participants with their family cards ---------------------------------------------------


@dataclass
class _Member:
    line: int
    nik: str
    name: str
    birth_place: str
    birth_date: date
    sex: str
    relationship: str
    segment: str
    care_class: int
    fktp_id: int
    coverage_start: date
    paid_through: date | None


@dataclass
class _Family:
    kk_number: str
    address: str
    branch_id: int
    members: list[_Member] = field(default_factory=list)


def _member(
    line: int, row: dict[str, str], facilities: dict[str, int], segments: set[str]
) -> _Member:
    problems = []
    birth = coverage = None
    try:
        birth = _date(row["birth_date"], "birth_date")
    except ValueError as error:
        problems.append(str(error))
    try:
        coverage = _date(row["coverage_start"], "coverage_start")
    except ValueError as error:
        problems.append(str(error))
    try:
        paid_through = _optional_month(row["paid_through"])
    except ValueError as error:
        problems.append(str(error))
        paid_through = None
    sex = row["sex"].upper()
    if sex not in Participant.Sex.values:
        problems.append("sex must be L or P")
    if birth and sex in Participant.Sex.values:
        try:
            validate_nik_matches(row["nik"], birth_date=birth, is_female=sex == "P")
        except ValidationError as error:
            problems.append(f"nik: {' '.join(error.messages)}")
    if not row["name"]:
        problems.append("name is empty")
    relationship = row["relationship"].upper()
    if relationship not in Relationship.values:
        problems.append(f"relationship must be one of {', '.join(Relationship.values)}")
    if row["segment"] not in segments:
        problems.append(f"segment {row['segment']!r} is unknown")
    if row["care_class"] not in {"1", "2", "3"}:
        problems.append("care_class must be 1, 2 or 3")
    if row["fktp_code"] not in facilities:
        problems.append(f"fktp_code {row['fktp_code']!r} is not an FKTP (import it first)")
    if problems:
        raise ValueError("; ".join(problems))
    assert birth is not None and coverage is not None
    return _Member(
        line=line,
        nik=row["nik"],
        name=row["name"],
        birth_place=row["birth_place"],
        birth_date=birth,
        sex=sex,
        relationship=relationship,
        segment=row["segment"],
        care_class=int(row["care_class"]),
        fktp_id=facilities[row["fktp_code"]],
        coverage_start=coverage,
        paid_through=paid_through,
    )


def _families(rows: list[tuple[int, dict[str, str]]], errors: list[str]) -> dict[str, _Family]:
    facilities = dict(Facility.objects.values_list("code", "pk"))
    segments = set(Segment.objects.values_list("code", flat=True))
    branches = dict(BranchOffice.objects.values_list("code", "pk"))
    districts = region_codes(Region.Level.DISTRICT)
    families: dict[str, _Family] = {}
    niks: dict[str, int] = {}
    for line, row in rows:
        number = row["kk_number"]
        try:
            validate_kk_number(number)
        except ValidationError as error:
            errors.append(f"line {line}: kk_number: {' '.join(error.messages)}")
            continue
        if number[:6] not in districts:
            errors.append(f"line {line}: kk_number starts with {number[:6]}, not a district")
            continue
        if row["branch_code"] not in branches:
            errors.append(f"line {line}: branch_code {row['branch_code']!r} is not a branch office")
            continue
        family = families.setdefault(
            number, _Family(number, row["kk_address"], branches[row["branch_code"]])
        )
        if (family.address, family.branch_id) != (row["kk_address"], branches[row["branch_code"]]):
            errors.append(f"line {line}: KK {number} has another address or branch above")
            continue
        if row["nik"] in niks:
            errors.append(f"line {line}: NIK {row['nik']} also on line {niks[row['nik']]}")
            continue
        niks[row["nik"]] = line
        try:
            family.members.append(_member(line, row, facilities, segments))
        except ValueError as error:
            errors.append(f"line {line}: {error}")
    return families


def participants_import(
    *, rows: list[tuple[int, dict[str, str]]], reason: str, progress: Progress = no_progress
) -> ImportReport:
    """Whole families: a KK already in the portal must list exactly the file's NIKs (then it
    is unchanged); a NIK may not already belong to another live participant."""
    report = ImportReport()
    families = _families(rows, report.errors)
    known_cards = {
        card.number: card
        for card in FamilyCard.objects.filter(number__in=list(families)).prefetch_related(
            "memberships__participant"
        )
    }
    live = dict(
        Participant.objects.filter(
            nik__in=[m.nik for f in families.values() for m in f.members], retired_at__isnull=True
        ).values_list("nik", "card_number")
    )
    todo: list[_Family] = []
    for family in families.values():
        if not family.members:
            continue  # every row of it was invalid: reported above
        card = known_cards.get(family.kk_number)
        file_niks = {m.nik for m in family.members}
        if card is not None:
            current = {m.participant.nik for m in card.memberships.all() if m.valid_to is None}
            if current == file_niks:
                report.unchanged += len(family.members)
            else:
                report.errors.append(
                    f"line {family.members[0].line}: KK "
                    f"{family.kk_number} exists with other members; change it in the admin"
                )
            continue
        taken = sorted(n for n in file_niks if n in live)
        if taken:
            report.errors.append(
                f"line {family.members[0].line}: NIK {', '.join(taken)} already registered "
                f"(card {', '.join(live[n] for n in taken)})"
            )
            continue
        heads = [m for m in family.members if m.relationship == Relationship.HEAD]
        if len(heads) != 1:
            report.errors.append(
                f"line {family.members[0].line}: KK {family.kk_number} needs exactly one "
                f"{Relationship.HEAD} (has {len(heads)})"
            )
            continue
        todo.append(family)
    if report.errors:
        raise ImportRejected(report.errors)
    for done, family in enumerate(todo, start=1):
        _family_create(family, reason=reason)
        report.created += len(family.members)
        if done % 200 == 0 or done == len(todo):
            progress(done, len(todo))
    return report


def _family_create(family: _Family, *, reason: str) -> None:
    with transaction.atomic():
        card = family_card_create(
            number=family.kk_number,
            branch=BranchOffice.objects.get(pk=family.branch_id),
            district=Region.objects.get(code=family.kk_number[:6]),
            address=family.address,
        )
        members = []
        for m in family.members:
            participant = participant_register(
                nik=m.nik,
                name=m.name,
                birth_place=m.birth_place,
                birth_date=m.birth_date,
                sex=m.sex,
                segment_id=m.segment,
                care_class=m.care_class,
                fktp_id=m.fktp_id,
                branch_id=family.branch_id,
                coverage_start=m.coverage_start,
                paid_through=m.paid_through,
                actor=None,
                reason=reason,
            )
            members.append((participant, m.relationship))
        family_members_set(
            family=card, members=members, valid_from=min(m.coverage_start for m in family.members)
        )
        for participant, _relationship in members:
            participant_refresh_status(
                participant=participant, cause=Cause.REGISTRATION, note=reason
            )
