"""Monthly bills: one per paying unit and month, made idempotent by the
(family, month, payer) key.

The billing job calls `bills_generate` (services.generation) for chunks of families; a
settlement calls `family_bills_ensure` so that every unpaid month it charges has its bill,
even a month the job never billed (a family registered mid-month, a job outage)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from families.models import FamilyCard, FamilyMembership
from participants.contributions import (
    STATE,
    VA_PAYERS,
    MemberRow,
    RateBook,
    RateTable,
    UnitMonth,
    WageBook,
    charged_months,
    due_date,
    family_first_owed,
    month_index,
    month_start,
    rate_book,
    units_for_month,
    wage_book,
)
from participants.models import Segment

from ..models import Bill, BillLine
from .bill_rows import bills_save

__all__ = ["RateBook", "WageBook", "rate_book", "wage_book"]


@dataclass(slots=True)
class Member:
    """A current membership, with FamilyMembership's attribute names."""

    pk: int
    relationship: str
    is_main: bool
    participant: MemberRow


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
            "participant__marital_status",
            "participant__in_formal_education",
        )
    )
    by_family: dict[int, list[Member]] = {}
    for row in rows:
        family_id, membership_id, relationship, is_main, pk, segment_id = row[:6]
        participant = MemberRow(pk, segments[segment_id], segment_id, *row[6:])
        by_family.setdefault(family_id, []).append(
            Member(membership_id, relationship, is_main, participant)
        )
    return by_family


def _pairs(members: Sequence[Member] | Sequence[FamilyMembership]) -> list:
    return [(m.participant, m.relationship) for m in members]


def _bill(
    family_id: int, month: date, unit: UnitMonth, now: datetime | None
) -> tuple[Bill, list[BillLine]]:
    # PBI: the state pays the whole list every month; its bill is settled as it is made.
    paid_now = unit.payer == STATE
    bill = Bill(
        family_id=family_id,
        month=month,
        payer=unit.payer,
        segment_id=unit.segment_id,
        amount=unit.amount,
        state_subsidy=unit.state_subsidy,
        employer_share=unit.employer_share,
        worker_share=unit.worker_share,
        due_date=due_date(month),
        state=Bill.State.PAID if paid_now else Bill.State.OPEN,
        paid_amount=unit.amount if paid_now else 0,
        settled_at=(now or timezone.now()) if paid_now else None,
    )
    lines = [
        BillLine(
            participant_id=line.participant_id,
            kind=line.kind,
            amount=line.amount,
            state_subsidy=line.state_subsidy,
        )
        for line in unit.lines
    ]
    return bill, lines


def bills_for_family(
    *,
    family_id: int,
    members: Sequence[Member] | Sequence[FamilyMembership],
    month: date,
    on: date,
    rates: RateTable,
    wage_floor: int | None,
    now: datetime | None = None,
    payers: Iterable[str] | None = None,
) -> list[tuple[Bill, list[BillLine]]]:
    """The bills of one family for one month (unsaved), one per payer: every member by their
    own segment (`participants.contributions.units_for_month`, DESIGN.md 4.3)."""
    units = units_for_month(_pairs(members), month=month, on=on, rates=rates, wage_floor=wage_floor)
    wanted = set(payers) if payers is not None else None
    return [
        _bill(family_id, month, unit, now)
        for payer, unit in sorted(units.items())
        if wanted is None or payer in wanted
    ]


def family_first_unpaid(members: Sequence[Member], *, on: date) -> date | None:
    """The first month some member paid through the virtual account has not paid."""
    return family_first_owed(_pairs(members), on=on)


def family_bills_ensure(
    *, family: FamilyCard, on: date, members: Sequence[Member] | None = None
) -> list[Bill]:
    """Make the bills of the months a payment now charges true to today's facts: the arrears
    (at most 24 months) and the current month, for every payer the virtual account pays.
    Missing bills are created; an unpaid bill whose members or amounts changed since it was
    made (a newborn registered, a member who died) is priced again, so the bill always equals
    what Info Peserta shows (`participants.contributions.family_charges`). Returns the bills
    it created or changed."""
    if members is None:
        members = current_members([family.pk]).get(family.pk, [])
    if not members:
        return []
    first = family_first_unpaid(members, on=on)
    if first is None:
        return []
    months = charged_months(first_unpaid=first, on=on)
    if not months:
        return []  # paid ahead
    existing = {
        (b.month, b.payer): b
        for b in Bill.objects.filter(
            family=family, month__gte=months[0], month__lte=months[-1], payer__in=VA_PAYERS
        ).prefetch_related("lines")
    }
    rates, wages = rate_book(), wage_book()
    now = timezone.now()
    made: list[tuple[Bill, list[BillLine]]] = []
    repriced: list[Bill] = []
    for month in months:
        expected = {
            bill.payer: (bill, lines)
            for bill, lines in bills_for_family(
                family_id=family.pk,
                members=members,
                month=month,
                on=on,
                rates=rates.table(month),
                wage_floor=wages.floor(family.district_id, month),
                now=now,
                payers=VA_PAYERS,
            )
        }
        for payer in VA_PAYERS:
            old = existing.get((month, payer))
            new = expected.get(payer)
            if old is None:
                if new is not None:
                    made.append(new)
            elif old.state == Bill.State.OPEN and old.paid_amount == 0 and _reprice(old, new):
                repriced.append(old)
    return bills_save(made) + repriced


def _line_key(lines: Iterable[BillLine]) -> list[tuple[int, str, int, int]]:
    return sorted((ln.participant_id, ln.kind, ln.amount, ln.state_subsidy) for ln in lines)


def _reprice(old: Bill, new: tuple[Bill, list[BillLine]] | None) -> bool:
    """Bring an unpaid bill to what today's facts charge; False if it already is."""
    if new is None:
        old.delete()  # nobody is charged for it any more (a member died, left or was paid)
        return True
    bill, lines = new
    if old.amount == bill.amount and _line_key(old.lines.all()) == _line_key(lines):
        return False
    for field in ("segment_id", "amount", "state_subsidy", "employer_share", "worker_share"):
        setattr(old, field, getattr(bill, field))
    old.save(update_fields=["segment", "amount", "state_subsidy", "employer_share", "worker_share"])
    old.lines.all().delete()
    for line in lines:
        line.bill = old
    BillLine.objects.bulk_create(lines)
    return True


def month_of(value: date) -> date:
    return month_start(month_index(value))


def family_bills_prepare(*, family: FamilyCard, on: date) -> None:
    """Before a page or the API reads a family's bills: create the missing ones. Two requests
    racing to create the same bill: the loser's insert fails on the unique (family, month,
    payer) key, and it reads what the winner made."""
    try:
        with transaction.atomic():
            family_bills_ensure(family=family, on=on)
    except IntegrityError:
        pass
