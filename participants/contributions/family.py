"""A family's bills by payer for one month, and what the family owes now (the one
monthly-amount function every surface reads)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..models import Segment
from .costs import Line, UnitMonth, member_order, ppu_places, ppu_shares
from .facts import (
    EMPLOYER,
    FAMILY,
    PAYER_BY_SEGMENT,
    VA_PAYERS,
    MemberFacts,
    charged_months,
    first_owed_month,
    is_billable,
    is_billed,
    month_of,
)
from .rates import RateBook, RateTable, WageBook


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
