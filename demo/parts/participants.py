"""participants' part of the demo: FKTP facilities, the people of each demo family, the retired
duplicate record, and their first status."""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from core.models import BranchOffice, User
from participants.models import Cause, Facility, Participant, Segment
from participants.services import participant_refresh_status

from ..identities import FACILITIES, DemoFamily, card_number
from .core import demo_user


def seed_facilities(*, branches: dict[str, BranchOffice]) -> dict[str, Facility]:
    facilities = {}
    for code, name, kind, district, branch in FACILITIES:
        facilities[code], _ = Facility.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "district_id": district,
                "branch": branches[branch],
            },
        )
    return facilities


def create_family_people(
    *,
    family: DemoFamily,
    branch: BranchOffice,
    facilities: dict[str, Facility],
    segments: dict[str, Segment],
) -> list[Participant]:
    """The demo family's members as participants (and the logins of those who have one), in
    the order of `family.members`."""
    people = []
    for i, m in enumerate(family.members, start=1):
        user = demo_user(m.nik, role=User.Role.PARTICIPANT) if m.login and m.nik else None
        facts = {**family.family_facts, **m.facts}
        # A member may have a segment of their own (a mixed-segment KK, DESIGN.md 4.3).
        segment = segments[str(facts.pop("segment", family.segment))]
        start = facts.pop("coverage_start", None) or (
            m.birth if not m.has_nik else date(2018, 1, 1)
        )
        assert isinstance(start, date)
        people.append(
            Participant.objects.create(
                card_number=card_number(family.key, i),
                nik=m.nik,
                name=m.name,
                birth_place="Jakarta" if family.branch == "KC0901" else "Bogor",
                birth_date=m.birth,
                sex=m.sex,
                segment=segment,
                care_class=family.care_class,
                fktp=facilities[family.fktp],
                branch=branch,
                user=user,
                coverage_start=start,
                **facts,
            )
        )
    return people


def refresh_statuses(*, people: Iterable[Participant]) -> None:
    """First status of newly registered people (their family must exist: the amount to pay
    comes from it)."""
    for p in people:
        participant_refresh_status(participant=p, cause=Cause.REGISTRATION)


def seed_duplicate_record(
    *,
    segments: dict[str, Segment],
    facilities: dict[str, Facility],
    branches: dict[str, BranchOffice],
) -> None:
    """The older record behind demo family 4's DUPLICATE_NIK: retired, same NIK."""
    if Participant.objects.filter(card_number="0001099010000").exists():
        return
    keep = Participant.objects.get(card_number=card_number(4, 1))
    Participant.objects.create(
        card_number="0001099010000",
        nik=keep.nik,
        name=keep.name.upper(),
        birth_place=keep.birth_place,
        birth_date=keep.birth_date,
        sex=keep.sex,
        segment=segments["PBPU"],
        care_class=3,
        fktp=facilities["1001P002"],
        branch=branches["KC1001"],
        coverage_start=date(2016, 1, 1),
        paid_through=date(2017, 6, 1),
        retired_at=timezone.now(),
        merged_into=keep,
        status="TIDAK_AKTIF",
        status_reason="DUPLICATE_NIK",
    )
