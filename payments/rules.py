"""The payment rules as pure functions (no database): what each member costs, which months
are charged, and the PPU shares. Services and property tests share them.

Sources: Perpres 64/2020 Pasal 30-34 (rates, PPU base and shares), Pasal 42 (arrears,
reactivation, denda pelayanan); DESIGN.md 4.3 and 4.4.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from participants.models import ContributionRate
from participants.status import month_index, month_start

# Perpres 64/2020 Pasal 42(3): at most 24 months of arrears, plus the current month.
ARREARS_CHARGED_CAP = 24
# Iuran for month M is due by the 10th of M (Pasal 39).
DUE_DAY = 10
# PPU: the worker's 5% covers the worker, one spouse and three children (5 people); each
# further member (4th child, parents, parents-in-law) costs 1% of the base, paid by the worker.
PPU_COVERED_SPOUSES = 1
PPU_COVERED_CHILDREN = 3
PPU_EMPLOYER_PERCENT = 4
PPU_WORKER_PERCENT = 1
PPU_EXTRA_MEMBER_PERCENT = 1


class CoverageFacts(Protocol):
    """What the rules read of a member: a Participant, or billing's lighter MemberFacts."""

    coverage_start: date
    coverage_end: date | None
    date_of_death: date | None
    paid_through: date | None
    retired_at: datetime | None


def due_date(month: date) -> date:
    return month.replace(day=DUE_DAY)


def is_covered(participant: CoverageFacts, *, on: date) -> bool:
    """Is the family still paying for this member on `on`? Not for a merged duplicate, nor a
    member who has died or whose coverage ended: the first rules of `derive_status`
    (DECEASED, SEGMENT_ENDED, PBI_DELISTED), the members `families.selectors` leaves out of
    the monthly amount."""
    p = participant
    if p.retired_at is not None:
        return False
    if p.date_of_death and p.date_of_death <= on:
        return False
    return not (p.coverage_start <= on and p.coverage_end and p.coverage_end < on)


def is_billable(participant: CoverageFacts, *, on: date, month: date) -> bool:
    """Does the family pay for this member for `month`? If covered on `on`, once coverage has
    started, and not for a month already paid."""
    p = participant
    if not is_covered(p, on=on):
        return False
    if month_index(p.coverage_start) > month_index(month):
        return False
    return not (p.paid_through and p.paid_through >= month)


def first_unpaid_month(participant: CoverageFacts) -> date:
    p = participant
    if p.paid_through:
        return month_start(month_index(p.paid_through) + 1)
    return month_start(month_index(p.coverage_start))


def charged_months(*, first_unpaid: date, on: date) -> list[date]:
    """Months a reactivation charges: the arrears, at most the last 24, plus the current month.
    Empty if nothing is unpaid up to this month."""
    current = month_index(on)
    first = max(month_index(first_unpaid), current - ARREARS_CHARGED_CAP)
    return [month_start(i) for i in range(first, current + 1)]


def arrears_months_between(*, first_unpaid: date, on: date) -> int:
    """Whole unpaid months before the month of `on` (the current month is not arrears)."""
    return max(0, month_index(on) - month_index(first_unpaid))


@dataclass(frozen=True)
class MemberCharge:
    amount: int  # what the payer pays for this member this month
    state_subsidy: int = 0  # PBPU/BP class III: what the government adds
    kind: str = "MEMBER"


def self_paid_charge(rate: ContributionRate | None) -> MemberCharge | None:
    """PBPU/BP: the class rate per member; class III: Rp42.000 of which the participant pays
    Rp35.000 and the government Rp7.000 (Perpres 64/2020 Pasal 34(1)(c))."""
    if rate is None or rate.monthly_amount is None:
        return None
    if rate.participant_amount is not None:
        return MemberCharge(
            rate.participant_amount, max(0, rate.monthly_amount - rate.participant_amount)
        )
    return MemberCharge(rate.monthly_amount)


def state_paid_charge(rate: ContributionRate | None) -> MemberCharge | None:
    if rate is None or rate.monthly_amount is None:
        return None
    return MemberCharge(rate.monthly_amount)


@dataclass(frozen=True)
class PpuShares:
    base: int  # salary within the floor and the ceiling
    employer: int  # 4% of the base
    worker: int  # 1% of the base
    extra_members: int  # 1% of the base for each member beyond five, paid by the worker

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


def ppu_extra_member_flags(relationships: list[str]) -> list[bool]:
    """For each member after the worker (in family order: spouse(s), children oldest first,
    others), whether they are beyond the five people the worker's 5% covers."""
    spouses = children = 0
    flags = []
    for relationship in relationships:
        if relationship == "PASANGAN":
            spouses += 1
            flags.append(spouses > PPU_COVERED_SPOUSES)
        elif relationship == "ANAK":
            children += 1
            flags.append(children > PPU_COVERED_CHILDREN)
        else:
            flags.append(True)
    return flags
