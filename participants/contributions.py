"""What each member costs and which months they owe: the one copy of the contribution rules.

Info Peserta, the family and eligibility APIs, the bill and the status function all read
these functions, so the amount a participant is shown is the amount they are billed (issue 8,
DESIGN.md 4.3 and 4.4). Pure functions over plain facts; the rate and wage tables are loaded
once by `rate_book()` / `wage_book()` and passed in.

Sources: Perpres 64/2020 Pasal 34 (rates), Pasal 39 (due date), Pasal 42(3) (24 months of
arrears); Perpres 82/2018 Pasal 4-5 as amended (PPU family members), Pasal 30-32 (PPU base).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .models import ContributionRate, MinimumWage, Participant, Segment


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


# --- which rate is in force ------------------------------------------------------------------


@dataclass(frozen=True)
class RateTable:
    """The contribution rates in force in one month."""

    by_segment_class: dict[tuple[str, int], ContributionRate]

    def rate_for(self, p: MemberFacts) -> ContributionRate | None:
        return self.by_segment_class.get((p.segment_id, p.care_class)) or self.by_segment_class.get(
            (p.segment_id, 0)
        )


@dataclass
class RateBook:
    """Every contribution rate, loaded once: the table in force for any month, no queries."""

    rates: list[ContributionRate]
    _tables: dict[int, RateTable] = field(default_factory=dict)

    def table(self, month: date) -> RateTable:
        key = month_index(month)
        if key not in self._tables:
            chosen: dict[tuple[str, int], ContributionRate] = {}
            # Newest first per (segment, class): the first one valid in `month` is in force.
            for rate in sorted(self.rates, key=lambda r: r.valid_from, reverse=True):
                if month_index(rate.valid_from) <= key:
                    chosen.setdefault((rate.segment_id, rate.care_class), rate)
            self._tables[key] = RateTable(chosen)
        return self._tables[key]


def rate_book() -> RateBook:
    return RateBook(list(ContributionRate.objects.all()))


@dataclass
class WageBook:
    """Regional minimum wages, loaded once. Kemendagri codes nest (district "320101" lies in
    regency "3201", in province "32"): a family's district finds its UMK, else the UMP, each
    the figure in force in the bill's own month (DESIGN.md 4.3)."""

    by_region: dict[str, list[tuple[date, int]]]

    def floor(self, district_code: str, month: date) -> int | None:
        for code in (district_code[:4], district_code[:2]):
            for valid_from, amount in self.by_region.get(code, ()):
                if valid_from <= month:
                    return amount
        return None


def wage_book() -> WageBook:
    by_region: dict[str, list[tuple[date, int]]] = {}
    for region_id, valid_from, amount in MinimumWage.objects.order_by(
        "region_id", "-valid_from"
    ).values_list("region_id", "valid_from", "monthly_amount"):
        by_region.setdefault(region_id, []).append((valid_from, amount))
    return WageBook(by_region)


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


def ppu_worker(members: Iterable[tuple[MemberFacts, str]], *, on: date) -> MemberFacts | None:
    """The PPU worker of a family: the PPU member with a salary, the head first. A worker who
    is no longer billed on `on` (dead, coverage ended) gives way to one who still is, so that a
    family whose main worker died is billed by the surviving worker (DESIGN.md 4.5)."""
    workers = [(p, r) for p, r in members if p.segment.payer == Segment.Payer.EMPLOYER and p.salary]
    if not workers:
        return None
    living = [(p, r) for p, r in workers if is_billed(p, on=on)]
    return min(living or workers, key=lambda pr: member_order(pr[1], pr[0].birth_date, pr[0].pk))[0]


def units_for_month(
    members: Sequence[tuple[MemberFacts, str]],
    *,
    month: date,
    on: date,
    rates: RateTable,
    wage_floor: int | None,
) -> dict[str, UnitMonth]:
    """The bills of one family for one month, by payer: every member by their own segment
    (DESIGN.md 4.3). PBI members are on the state's bill, never the family's; a PBPU member of
    a PBI or PPU family is on a family bill of their own; PPU family members are on the
    employer's bill (the worker's 5% plus 1% per further member). Members are charged for
    `month` if `is_billable` as they stand on `on`."""
    ordered = sorted(members, key=lambda mr: member_order(mr[1], mr[0].birth_date, mr[0].pk))
    by_payer: dict[str, list[tuple[MemberFacts, str]]] = {}
    for p, relationship in ordered:
        payer = PAYER_BY_SEGMENT[Segment.Payer(p.segment.payer)]
        by_payer.setdefault(payer, []).append((p, relationship))
    units: dict[str, UnitMonth] = {}
    for payer, group in by_payer.items():
        if payer == EMPLOYER:
            unit = _employer_unit(group, month=month, on=on, rates=rates, wage_floor=wage_floor)
        else:
            unit = _fixed_rate_unit(payer, group, month=month, on=on, rates=rates)
        if unit is not None and unit.amount > 0:
            units[payer] = unit
    return units


def _fixed_rate_unit(
    payer: str, group: list[tuple[MemberFacts, str]], *, month: date, on: date, rates: RateTable
) -> UnitMonth | None:
    """PBPU/BP: the class rate per member; class III: Rp42.000 of which the participant pays
    Rp35.000 and the government Rp7.000 (Perpres 64/2020 Pasal 34(1)). PBI: Rp42.000."""
    lines = []
    for p, _relationship in group:
        if not is_billable(p, on=on, month=month):
            continue
        rate = rates.rate_for(p)
        if rate is None or rate.monthly_amount is None:
            continue
        if payer == FAMILY and rate.participant_amount is not None:
            subsidy = max(0, rate.monthly_amount - rate.participant_amount)
            lines.append(Line(p.pk, rate.participant_amount, subsidy))
        else:
            lines.append(Line(p.pk, rate.monthly_amount))
    if not lines:
        return None
    return UnitMonth(payer, group[0][0].segment_id, tuple(lines))


def _employer_unit(
    group: list[tuple[MemberFacts, str]],
    *,
    month: date,
    on: date,
    rates: RateTable,
    wage_floor: int | None,
) -> UnitMonth | None:
    worker = ppu_worker(group, on=on)
    # A family member's PPU cover follows the worker's (Perpres 82/2018 Pasal 4).
    if worker is None or not is_billable(worker, on=on, month=month):
        return None
    rate = rates.rate_for(worker)
    if rate is None or rate.salary_percent is None:
        return None
    places = ppu_places([(p, r) for p, r in group if p.pk != worker.pk], on=on)
    billable = [
        p
        for p, _r in group
        if p.pk != worker.pk
        and places[p.pk].kind != "REFUSED"
        and is_billable(p, on=on, month=month)
    ]
    extras = [p for p in billable if places[p.pk].kind == "EXTRA"]
    shares = ppu_shares(
        salary=worker.salary or 0,
        floor=wage_floor,
        ceiling=rate.salary_ceiling,
        extra_members=len(extras),
    )
    per_extra = shares.extra_members // max(1, len(extras))
    lines = [Line(worker.pk, shares.employer + shares.worker)]
    for p in billable:
        extra = places[p.pk].kind == "EXTRA"
        lines.append(Line(p.pk, per_extra if extra else 0, 0, "EXTRA" if extra else "MEMBER"))
    return UnitMonth(
        EMPLOYER,
        worker.segment_id,
        tuple(lines),
        employer_share=shares.employer,
        worker_share=shares.worker_total,
    )


@dataclass(frozen=True)
class FamilyCharges:
    """What a family pays now, from the facts: this month's amount per payer, and what the
    virtual account must receive now (the charged months of every VA payer)."""

    this_month: dict[str, UnitMonth]
    charged: dict[date, dict[str, UnitMonth]]
    ppu_refusals: dict[int, str]

    def monthly_amount(self, payer: str) -> int:
        unit = self.this_month.get(payer)
        return unit.amount if unit else 0

    @property
    def va_monthly_amount(self) -> int:
        return sum(self.monthly_amount(payer) for payer in VA_PAYERS)

    @property
    def va_amount_due(self) -> int:
        return sum(
            unit.amount
            for units in self.charged.values()
            for payer, unit in units.items()
            if payer in VA_PAYERS
        )

    def payer_of(self, participant_id: int) -> str | None:
        for payer, unit in self.this_month.items():
            if any(line.participant_id == participant_id for line in unit.lines):
                return payer
        return None


def family_first_owed(members: Iterable[tuple[MemberFacts, str]], *, on: date) -> date | None:
    """The first month some member paid through the virtual account still owes."""
    months = [
        first_owed_month(p)
        for p, _r in members
        if PAYER_BY_SEGMENT[Segment.Payer(p.segment.payer)] in VA_PAYERS
        and is_billable(p, on=on, month=first_owed_month(p))
    ]
    return min(months) if months else None


def family_charges(
    members: Sequence[tuple[MemberFacts, str]],
    *,
    on: date,
    rates: RateBook,
    wages: WageBook,
    district_code: str,
) -> FamilyCharges:
    """The one function behind every amount shown or billed (issue 8 point 7)."""
    current = month_of(on)
    this_month = units_for_month(
        members,
        month=current,
        on=on,
        rates=rates.table(current),
        wage_floor=wages.floor(district_code, current),
    )
    charged: dict[date, dict[str, UnitMonth]] = {}
    first = family_first_owed(members, on=on)
    if first is not None:
        for month in charged_months(first_unpaid=first, on=on):
            charged[month] = units_for_month(
                members,
                month=month,
                on=on,
                rates=rates.table(month),
                wage_floor=wages.floor(district_code, month),
            )
    refusals: dict[int, str] = {}
    worker = ppu_worker(members, on=on)
    if worker is not None:
        group = [(p, r) for p, r in members if p.segment.payer == Segment.Payer.EMPLOYER]
        places = ppu_places([(p, r) for p, r in group if p.pk != worker.pk], on=on)
        refusals = {pk: place.refusal for pk, place in places.items() if place.kind == "REFUSED"}
    return FamilyCharges(this_month, charged, refusals)
