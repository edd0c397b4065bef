"""Monthly bills: one per paying unit and month, made idempotent by the (family, month) key.

The billing job calls `bills_generate` (services.generation) for chunks of families; a
settlement calls
`family_bills_ensure` so that every unpaid month it charges has its bill, even a month the job
never billed (a family registered mid-month, a job outage)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from families.models import FamilyCard, FamilyMembership, Relationship
from participants.models import ContributionRate, Participant, Segment
from participants.selectors import RateTable
from participants.status import month_index, month_start

from ..models import Bill, BillLine, MinimumWage
from ..rules import (
    MemberCharge,
    charged_months,
    due_date,
    first_unpaid_month,
    is_billable,
    ppu_extra_member_flags,
    ppu_shares,
    self_paid_charge,
    state_paid_charge,
)
from .bill_rows import bills_save

_PAYER_BY_SEGMENT = {
    Segment.Payer.STATE: Bill.Payer.STATE,
    Segment.Payer.REGION: Bill.Payer.STATE,
    Segment.Payer.EMPLOYER: Bill.Payer.EMPLOYER,
    Segment.Payer.SELF: Bill.Payer.FAMILY,
}
_RELATIONSHIP_ORDER: dict[str, int] = {
    Relationship.HEAD: 0,
    Relationship.SPOUSE: 1,
    Relationship.CHILD: 2,
    Relationship.OTHER: 3,
}


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
                if rate.valid_from <= month:
                    chosen.setdefault((rate.segment_id, rate.care_class), rate)
            self._tables[key] = RateTable(chosen)
        return self._tables[key]


def rate_book() -> RateBook:
    return RateBook(list(ContributionRate.objects.all()))


def rate_for(table: RateTable, participant: "Participant | MemberFacts") -> ContributionRate | None:
    return table.by_segment_class.get(
        (participant.segment_id, participant.care_class)
    ) or table.by_segment_class.get((participant.segment_id, 0))


@dataclass
class WageBook:
    """Regional minimum wages, loaded once. Kemendagri codes nest (district "320101" lies in
    regency "3201", in province "32"), so a family's district finds its UMK, else the UMP."""

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


@dataclass(slots=True)
class MemberFacts:
    """The participant facts billing reads, with Participant's attribute names (the rules in
    `payments.rules` take either). Plain rows, not model instances: a 100000-family billing
    run reads 360000 of them."""

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


@dataclass(slots=True)
class Member:
    """A current membership, with FamilyMembership's attribute names."""

    pk: int
    relationship: str
    is_main: bool
    participant: MemberFacts


def current_members(family_ids: Sequence[int]) -> dict[int, list[Member]]:
    """Current members of each family, main participant first, with their billing facts."""
    segments = {s.code: s for s in Segment.objects.all()}
    rows = (
        FamilyMembership.objects.filter(valid_to__isnull=True, family_id__in=family_ids)
        .order_by("family_id", "-is_main", "id")
        .values_list(
            "family_id",
            "id",
            "relationship",
            "is_main",
            "participant_id",
            "participant__segment_id",
            "participant__care_class",
            "participant__salary",
            "participant__birth_date",
            "participant__coverage_start",
            "participant__coverage_end",
            "participant__date_of_death",
            "participant__paid_through",
            "participant__retired_at",
        )
    )
    by_family: dict[int, list[Member]] = {}
    for row in rows:
        family_id, membership_id, relationship, is_main, pk, segment_id = row[:6]
        care_class, salary, birth, start, end, death, paid_through, retired_at = row[6:]
        participant = MemberFacts(
            pk,
            segments[segment_id],
            segment_id,
            care_class,
            salary,
            birth,
            start,
            end,
            death,
            paid_through,
            retired_at,
        )
        by_family.setdefault(family_id, []).append(
            Member(membership_id, relationship, is_main, participant)
        )
    return by_family


def _member_order(m: Member | FamilyMembership) -> tuple[int, date, int]:
    return (_RELATIONSHIP_ORDER.get(m.relationship, 9), m.participant.birth_date, m.pk or 0)


def bill_for_family(
    *,
    family_id: int,
    members: Sequence[Member] | Sequence[FamilyMembership],
    month: date,
    on: date,
    rates: RateTable,
    wage_floor: int | None,
    now: datetime | None = None,
) -> tuple[Bill, list[BillLine]] | None:
    """The bill of one family for one month (unsaved), or None when nobody is billed.

    Who pays follows the main participant's segment (DESIGN.md 4.5: class and segment follow
    the main participant). Members are billed while covered and alive (`rules.is_billable`)."""
    if not members:
        return None
    main = next((m for m in members if m.is_main), members[0])
    segment = main.participant.segment
    payer = _PAYER_BY_SEGMENT[Segment.Payer(segment.payer)]
    billable = sorted(
        (m for m in members if is_billable(m.participant, on=on, month=month)), key=_member_order
    )
    if not billable:
        return None
    charges: list[tuple[Participant | MemberFacts, MemberCharge]] = []
    employer_share = worker_share = 0
    if payer == Bill.Payer.EMPLOYER:
        worker = main.participant
        if worker not in [m.participant for m in billable]:
            return None  # PPU coverage of the family follows the worker's
        rate = rate_for(rates, worker)
        if rate is None or rate.salary_percent is None or not (worker.salary or wage_floor):
            return None
        others = [m for m in billable if m.participant.pk != worker.pk]
        extra_flags = ppu_extra_member_flags([m.relationship for m in others])
        shares = ppu_shares(
            salary=worker.salary or 0,
            floor=wage_floor,
            ceiling=rate.salary_ceiling,
            extra_members=sum(extra_flags),
        )
        per_extra = shares.extra_members // max(1, sum(extra_flags))
        charges.append((worker, MemberCharge(shares.employer + shares.worker)))
        for m, extra in zip(others, extra_flags, strict=True):
            charges.append(
                (m.participant, MemberCharge(per_extra, 0, "EXTRA") if extra else MemberCharge(0))
            )
        employer_share, worker_share = shares.employer, shares.worker_total
    else:
        price = state_paid_charge if payer == Bill.Payer.STATE else self_paid_charge
        for m in billable:
            charge = price(rate_for(rates, m.participant))
            if charge is not None:
                charges.append((m.participant, charge))
    amount = sum(c.amount for _p, c in charges)
    if amount <= 0:
        return None
    paid_now = payer == Bill.Payer.STATE
    bill = Bill(
        family_id=family_id,
        month=month,
        payer=payer,
        segment_id=segment.code,
        amount=amount,
        state_subsidy=sum(c.state_subsidy for _p, c in charges),
        employer_share=employer_share,
        worker_share=worker_share,
        due_date=due_date(month),
        # PBI: the state pays the whole list every month; the bill is settled as it is made.
        state=Bill.State.PAID if paid_now else Bill.State.OPEN,
        paid_amount=amount if paid_now else 0,
        settled_at=(now or timezone.now()) if paid_now else None,
    )
    lines = [
        BillLine(participant_id=p.pk, kind=c.kind, amount=c.amount, state_subsidy=c.state_subsidy)
        for p, c in charges
    ]
    return bill, lines


def family_first_unpaid(members: Sequence[Member], *, on: date) -> date | None:
    """The first month some billable member of a self- or employer-paid family has not paid."""
    months = [
        first_unpaid_month(m.participant)
        for m in members
        if is_billable(m.participant, on=on, month=first_unpaid_month(m.participant))
    ]
    return min(months) if months else None


def family_bills_ensure(
    *, family: FamilyCard, on: date, members: Sequence[Member] | None = None
) -> list[Bill]:
    """Create the missing bills of the months a reactivation charges today: the arrears (at
    most 24 months) and the current month. Returns the bills it created.

    Arrears are charged for the members billable today, so the total matches the amount
    Info Peserta shows (assumption: no arrears are collected for a member who has died or
    left coverage since). Months already billed are left as they are."""
    if members is None:
        members = current_members([family.pk]).get(family.pk, [])
    if not members:
        return []
    main = next((m for m in members if m.is_main), members[0])
    if main.participant.segment.is_state_paid:
        return []
    first = family_first_unpaid(members, on=on)
    if first is None:
        return []
    months = charged_months(first_unpaid=first, on=on)
    if not months:
        return []
    billed = set(
        Bill.objects.filter(family=family, month__gte=months[0], month__lte=months[-1]).values_list(
            "month", flat=True
        )
    )
    missing = [m for m in months if m not in billed]
    if not missing:
        return []
    rates, wages = rate_book(), wage_book()
    now = timezone.now()
    made = []
    for month in missing:
        bill = bill_for_family(
            family_id=family.pk,
            members=members,
            month=month,
            on=on,
            rates=rates.table(month),
            wage_floor=wages.floor(family.district_id, month),
            now=now,
        )
        if bill is not None:
            made.append(bill)
    return bills_save(made)


def month_of(value: date) -> date:
    return month_start(month_index(value))


def family_bills_prepare(*, family: FamilyCard, on: date) -> None:
    """Before a page or the API reads a family's bills: create the missing ones. Two requests
    racing to create the same bill: the loser's insert fails on the unique (family, month) key,
    and it reads what the winner made."""
    try:
        with transaction.atomic():
            family_bills_ensure(family=family, on=on)
    except IntegrityError:
        pass
