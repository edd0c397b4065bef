"""Months, payers and the member facts the rules read; whether a member is still billed
and which months they owe (Perpres 64/2020 Pasal 39, 42(3); DESIGN.md 4.4)."""

from dataclasses import dataclass
from datetime import date, datetime

from ..models import Participant, Segment


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_of(day: date) -> date:
    return day.replace(day=1)


# Perpres 64/2020 Pasal 42(3): reactivation pays at most 24 months of arrears (plus this month).
ARREARS_MONTHS_CAP = 24
# Pasal 39(1): iuran for month M is due by the 10th of M.
DUE_DAY = 10

# Bill payers: who pays a member's iuran, from the member's own segment (DESIGN.md 4.3).
FAMILY = "FAMILY"  # PBPU/BP: the family, to its virtual account
EMPLOYER = "EMPLOYER"  # PPU: employer 4% + worker 1% (+1% per further member)
STATE = "STATE"  # PBI: central or regional government
PAYER_BY_SEGMENT = {
    Segment.Payer.SELF: FAMILY,
    Segment.Payer.EMPLOYER: EMPLOYER,
    Segment.Payer.STATE: STATE,
    Segment.Payer.REGION: STATE,
}
# Payers whose bills the family's virtual account settles (the state pays its own).
VA_PAYERS = (FAMILY, EMPLOYER)

# Relationship codes (families.models.Relationship values; participants never imports it).
HEAD, SPOUSE, CHILD, PARENT, PARENT_IN_LAW, OTHER = (
    "KEPALA",
    "PASANGAN",
    "ANAK",
    "ORANG_TUA",
    "MERTUA",
    "LAINNYA",
)
# PPU: the worker's 5% covers the worker, one spouse and three children (Perpres 82/2018
# Pasal 4(2)); only the 4th child onward, parents and parents-in-law may join for 1% each,
# paid by the worker (Pasal 4(3)-(4) as amended). A child is covered while unmarried and
# under 21, or under 25 in formal education.
PPU_COVERED_SPOUSES = 1
PPU_COVERED_CHILDREN = 3
PPU_CHILD_AGE_LIMIT = 21
PPU_CHILD_AGE_LIMIT_IN_EDUCATION = 25
PPU_EMPLOYER_PERCENT = 4
PPU_WORKER_PERCENT = 1
PPU_EXTRA_MEMBER_PERCENT = 1


@dataclass(slots=True)
class MemberRow:
    """The participant facts the rules read, with Participant's attribute names: billing
    reads plain rows, not model instances (a 100000-family run reads 360000 of them)."""

    pk: int
    segment: Segment
    segment_id: str
    care_class: int
    salary: int | None
    birth_date: date
    coverage_start: date
    coverage_end: date | None
    date_of_death: date | None
    paid_through: date | None
    retired_at: datetime | None
    marital_status: str
    in_formal_education: bool


# What the rules read of a member: a Participant, or billing's lighter row.
MemberFacts = Participant | MemberRow


# --- is this member still billed, and which months do they owe ------------------------------


def is_billed(p: MemberFacts, *, on: date) -> bool:
    """Is this member still paid for on `on`? Not a merged duplicate, nor after death or the
    end of coverage: the members `derive_status` answers DECEASED, SEGMENT_ENDED or
    PBI_DELISTED for."""
    if p.retired_at is not None:
        return False
    if p.date_of_death and p.date_of_death <= on:
        return False
    return not (p.coverage_end and p.coverage_end < on)


def first_owed_month(p: MemberFacts) -> date:
    """The first month not paid. Months before the member's coverage start are never owed
    (DESIGN.md 4.4): a member who joined later never inherits older months."""
    start = month_index(p.coverage_start)
    if p.paid_through:
        return month_start(max(start, month_index(p.paid_through) + 1))
    return month_start(start)


def is_billable(p: MemberFacts, *, on: date, month: date) -> bool:
    """Is `month` owed for this member: billed on `on`, covered by then, not yet paid."""
    if not is_billed(p, on=on):
        return False
    return month_index(first_owed_month(p)) <= month_index(month)


def awaits_first_payment(p: MemberFacts) -> bool:
    """Registered but never paid: not covered yet (AWAITING_FIRST_PAYMENT, DESIGN.md 4.4).
    The state pays PBI members from the start."""
    return p.paid_through is None and not p.segment.is_state_paid


def arrears_months(p: MemberFacts, *, on: date) -> int:
    """Whole unpaid months before the month of `on` since the member was covered (the current
    month is due, not arrears). Zero while the state pays or before the first payment."""
    if p.segment.is_state_paid or p.paid_through is None:
        return 0
    return max(0, month_index(on) - month_index(first_owed_month(p)))


def charged_months(*, first_unpaid: date, on: date) -> list[date]:
    """Months a payment now must cover: the unpaid ones, at most the last 24 before this
    month, plus this month (Pasal 42(3)). Empty if everything up to this month is paid."""
    current = month_index(on)
    first = max(month_index(first_unpaid), current - ARREARS_MONTHS_CAP)
    return [month_start(i) for i in range(first, current + 1)]


def due_date(month: date) -> date:
    return month.replace(day=DUE_DAY)
