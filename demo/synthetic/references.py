"""What the generator reads from the database (facilities, regions, segments) and the numbers
already taken (NIKs, usernames, KK numbers, virtual accounts), loaded with a few queries."""

from core.errors import DomainError
from core.models import Region, User
from families.models import FamilyCard
from participants.models import Facility, Participant, Segment

from .generate import _References, _Taken


def _load_references() -> _References:
    facilities = [
        (pk, branch_id, regency or "")
        for pk, branch_id, regency in Facility.objects.order_by("pk").values_list(
            "pk", "branch_id", "district__parent_id"
        )
    ]
    if not facilities:
        raise DomainError(
            "No FKTP facility exists to assign synthetic families to: run "
            "`manage.py seed_demo` first (it creates branch offices and facilities).",
            code="SEED_DEMO_FIRST",
        )
    districts: list[str] = []
    by_regency: dict[str, list[str]] = {}
    district_names: dict[str, str] = {}
    district_regency: dict[str, str] = {}
    regency_names: dict[str, str] = {}
    for code, level, name, parent in (
        Region.objects.filter(level__in=[Region.Level.REGENCY, Region.Level.DISTRICT])
        .order_by("code")
        .values_list("code", "level", "name", "parent_id")
    ):
        if level == Region.Level.DISTRICT:
            districts.append(code)
            by_regency.setdefault(parent, []).append(code)
            district_names[code] = name
            district_regency[code] = parent
        else:
            regency_names[code] = name
    if not districts:
        raise DomainError("The region table is empty: run `manage.py migrate`.", code="NO_REGIONS")
    return _References(
        facilities=facilities,
        districts=districts,
        districts_by_regency=by_regency,
        district_names=district_names,
        district_regency=district_regency,
        regency_names=regency_names,
        segments={s.code: s for s in Segment.objects.all()},
    )


def _load_taken() -> _Taken:
    taken = _Taken()
    taken.niks.update(
        nik
        for nik in Participant.objects.filter(nik__isnull=False)
        .values_list("nik", flat=True)
        .iterator()
        if nik
    )
    # A head's NIK becomes a username: it must not be anyone's username already.
    taken.niks.update(User.objects.values_list("username", flat=True).iterator())
    for number, va in FamilyCard.objects.values_list("number", "virtual_account").iterator():
        taken.kk_numbers.add(number)
        taken.virtual_accounts.add(va)
    return taken
