"""What each member costs in one month: PPU base, shares and places (Perpres 82/2018
Pasal 4-5, 30-32), fixed rates, and the order of members."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .facts import (
    CHILD,
    HEAD,
    OTHER,
    PARENT,
    PARENT_IN_LAW,
    PPU_CHILD_AGE_LIMIT,
    PPU_CHILD_AGE_LIMIT_IN_EDUCATION,
    PPU_COVERED_CHILDREN,
    PPU_COVERED_SPOUSES,
    PPU_EMPLOYER_PERCENT,
    PPU_EXTRA_MEMBER_PERCENT,
    PPU_WORKER_PERCENT,
    SPOUSE,
    MemberFacts,
)

# --- what each member costs in one month ------------------------------------------------------


@dataclass(frozen=True)
class PpuShares:
    base: int  # salary within the floor and the ceiling
    employer: int  # 4% of the base
    worker: int  # 1% of the base
    extra_members: int  # 1% of the base for each further member, paid by the worker

    @property
    def total(self) -> int:
        return self.employer + self.worker + self.extra_members

    @property
    def worker_total(self) -> int:
        return self.worker + self.extra_members


def ppu_base(*, salary: int, floor: int | None, ceiling: int | None) -> int:
    """Perpres 64/2020 Pasal 32: the base is the monthly salary, at least the regional minimum
    wage and at most Rp12.000.000."""
    base = salary
    if floor:
        base = max(base, floor)
    if ceiling:
        base = min(base, ceiling)
    return base


def ppu_shares(
    *, salary: int, floor: int | None, ceiling: int | None, extra_members: int = 0
) -> PpuShares:
    base = ppu_base(salary=salary, floor=floor, ceiling=ceiling)
    # Whole rupiah, rounded down: shares never add up to more than 5% of the base.
    employer = base * PPU_EMPLOYER_PERCENT // 100
    worker = base * (PPU_EMPLOYER_PERCENT + PPU_WORKER_PERCENT) // 100 - employer
    extra = extra_members * (base * PPU_EXTRA_MEMBER_PERCENT // 100)
    return PpuShares(base=base, employer=employer, worker=worker, extra_members=extra)


def age_on(birth_date: date, on: date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def ppu_child_is_dependant(p: MemberFacts, *, on: date) -> bool:
    """Perpres 82/2018 Pasal 4(2): unmarried and under 21, or under 25 in formal education."""
    if p.marital_status and p.marital_status != "BELUM_KAWIN":
        return False
    limit = PPU_CHILD_AGE_LIMIT_IN_EDUCATION if p.in_formal_education else PPU_CHILD_AGE_LIMIT
    return age_on(p.birth_date, on) < limit


@dataclass(frozen=True)
class PpuPlace:
    """Where a PPU family member stands: covered by the 5%, a 1% further member, or refused
    (with the reason code and why, shown by the status function)."""

    kind: str  # MEMBER (in the 5%), EXTRA (1%), REFUSED
    refusal: str = ""  # why, for REFUSED: OTHER_RELATIVE, CHILD_OVER_AGE, CHILD_MARRIED, ...


def ppu_places(members: Sequence[tuple[MemberFacts, str]], *, on: date) -> dict[int, PpuPlace]:
    """For the family members of a PPU worker (everyone but the worker, with their
    relationship), in family order (spouse, children eldest first, parents...)."""
    places: dict[int, PpuPlace] = {}
    spouses = children = 0
    ordered = sorted(members, key=lambda mr: (_RELATIONSHIP_ORDER.get(mr[1], 9), mr[0].birth_date))
    for p, relationship in ordered:
        if relationship == SPOUSE:
            spouses += 1
            places[p.pk] = PpuPlace(
                "MEMBER" if spouses <= PPU_COVERED_SPOUSES else "REFUSED",
                "" if spouses <= PPU_COVERED_SPOUSES else "SECOND_SPOUSE",
            )
        elif relationship == CHILD:
            if not ppu_child_is_dependant(p, on=on):
                married = p.marital_status and p.marital_status != "BELUM_KAWIN"
                places[p.pk] = PpuPlace("REFUSED", "CHILD_MARRIED" if married else "CHILD_OVER_AGE")
                continue
            children += 1
            places[p.pk] = PpuPlace("MEMBER" if children <= PPU_COVERED_CHILDREN else "EXTRA")
        elif relationship in (PARENT, PARENT_IN_LAW):
            places[p.pk] = PpuPlace("EXTRA")
        else:
            places[p.pk] = PpuPlace("REFUSED", "OTHER_RELATIVE")
    return places


_RELATIONSHIP_ORDER = {HEAD: 0, SPOUSE: 1, CHILD: 2, PARENT: 3, PARENT_IN_LAW: 4, OTHER: 5}


def member_order(relationship: str, birth_date: date, pk: int) -> tuple[int, date, int]:
    return (_RELATIONSHIP_ORDER.get(relationship, 9), birth_date, pk)


@dataclass(frozen=True)
class Line:
    """One member's part of one month's bill."""

    participant_id: int
    amount: int
    state_subsidy: int = 0
    kind: str = "MEMBER"  # MEMBER, or EXTRA: a PPU further member (1%)


@dataclass(frozen=True)
class UnitMonth:
    """What one payer owes for one month: the bill of a paying unit."""

    payer: str
    segment_id: str
    lines: tuple[Line, ...]
    employer_share: int = 0
    worker_share: int = 0

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def state_subsidy(self) -> int:
        return sum(line.state_subsidy for line in self.lines)
