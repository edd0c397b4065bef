"""Reads shared by the Tagihan pages, the API and the admin, with their joins decided once."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet, Sum

from core.models import User
from families.models import FamilyCard
from families.selectors import current_memberships
from participants.contributions import (
    ARREARS_MONTHS_CAP,
    VA_PAYERS,
    arrears_months,
    awaits_first_payment,
    due_date,
    is_billed,
    month_index,
    month_start,
)
from participants.models import Participant, Segment
from participants.status import PENALTY_MONTHS_CAP, penalty_amount

from .models import Bill, BillLine, Payment, PaymentNotification, Reactivation


def family_of_participant(*, participant: Participant) -> FamilyCard | None:
    membership = (
        current_memberships().filter(participant=participant).select_related("family").first()
    )
    return membership.family if membership else None


def bills_with_lines() -> QuerySet[Bill]:
    lines = BillLine.objects.select_related("participant").order_by("id")
    return Bill.objects.select_related("segment").prefetch_related(
        Prefetch("lines", queryset=lines)
    )


def family_bills(*, family: FamilyCard) -> QuerySet[Bill]:
    return bills_with_lines().filter(family=family).order_by("-month")


def family_payments(*, family: FamilyCard) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(family=family)
        .select_related("channel")
        .order_by("-credited_at", "-id")
    )


@dataclass(frozen=True)
class BillStatement:
    """What a family has to pay now (DESIGN.md 4.4): the unpaid months a reactivation charges
    (at most 24 months of arrears plus the current month), credit already received, the rest."""

    family: FamilyCard
    on: date
    payer: str | None  # Bill.Payer of the family's bills, None if it has none
    open_bills: list[Bill]  # charged, oldest first
    not_charged_bills: int  # unpaid months older than the 24 charged ones (waived on payment)
    arrears_months: int  # unpaid months before the current one, counted from the facts
    credit: int  # received and not yet allocated (partial payments)
    reactivation_pending: bool  # a settlement is being applied to the members
    first_payment: bool = False  # a member is not covered until this payment (new, newborn)

    @property
    def arrears_counted(self) -> int:
        return min(self.arrears_months, ARREARS_MONTHS_CAP)

    @property
    def arrears_not_charged(self) -> int:
        return max(0, self.arrears_months - ARREARS_MONTHS_CAP)

    @property
    def total_due(self) -> int:
        return sum(b.remaining for b in self.open_bills)

    @property
    def remaining(self) -> int:
        return max(0, self.total_due - self.credit)

    @property
    def virtual_account(self) -> str:
        return self.family.virtual_account

    @property
    def current_month_due(self) -> date:
        return due_date(self.on.replace(day=1))


def bill_statement(*, family: FamilyCard, on: date) -> BillStatement:
    """Reads only; the caller ensures the bills exist first (`family_bills_ensure`)."""
    first_charged = month_start(month_index(on) - ARREARS_MONTHS_CAP)
    last_charged = month_start(month_index(on))
    open_bills = list(
        bills_with_lines()
        .filter(family=family, state=Bill.State.OPEN, month__lte=last_charged, payer__in=VA_PAYERS)
        .order_by("month", "payer")
    )
    charged = [b for b in open_bills if b.month >= first_charged]
    # Who the family's bills are for: the virtual account's payers first; STATE only when the
    # state pays for everyone (a PBI family).
    payers = set(Bill.objects.filter(family=family).values_list("payer", flat=True).distinct())
    va_payers = [p for p in VA_PAYERS if p in payers]
    members = [
        m.participant
        for m in current_memberships().filter(family=family).select_related("participant__segment")
    ]
    billed = [p for p in members if is_billed(p, on=on)]
    arrears = max((arrears_months(p, on=on) for p in billed), default=0)
    credit = (
        Payment.objects.filter(family=family, allocated_amount__lt=F("amount")).aggregate(
            c=Sum(F("amount") - F("allocated_amount"))
        )["c"]
        or 0
    )
    return BillStatement(
        family=family,
        on=on,
        payer=va_payers[0] if va_payers else (Bill.Payer.STATE if payers else None),
        open_bills=charged,
        not_charged_bills=len(open_bills) - len(charged),
        arrears_months=arrears,
        credit=credit,
        reactivation_pending=Reactivation.objects.filter(
            family=family, state=Reactivation.State.PENDING
        ).exists(),
        first_payment=any(awaits_first_payment(p) for p in billed),
    )


@dataclass(frozen=True)
class DendaQuote:
    """Denda pelayanan for one inpatient stay starting within 45 days after reactivation
    (Perpres 64/2020 Pasal 42(5)): 5% of the estimated INA-CBG cost x months in arrears (at
    most 12), at most Rp30.000.000 (42(6)); for PPU the employer pays it (42(7))."""

    participant: Participant
    inacbg_cost: int
    admission_date: date
    basis: str  # WINDOW: reactivated; IF_PAID_TODAY: in arrears now; NONE: no window
    window_start: date | None
    window_until: date | None
    months_in_arrears: int
    penalty: int

    @property
    def months_counted(self) -> int:
        return min(self.months_in_arrears, PENALTY_MONTHS_CAP)

    @property
    def in_window(self) -> bool:
        return bool(
            self.window_start
            and self.window_until
            and self.window_start <= self.admission_date <= self.window_until
        )

    @property
    def paid_by_employer(self) -> bool:
        # PPU: the employer pays the penalty (Perpres 64/2020 Pasal 42(7)).
        return self.participant.segment.payer == Segment.Payer.EMPLOYER


def denda_quote(
    *, participant: Participant, inacbg_cost: int, on: date, admission_date: date | None = None
) -> DendaQuote:
    admission = admission_date or on
    window = settings.PENALTY_WINDOW_DAYS
    p = participant
    if p.reactivated_on and on < p.reactivated_on + timedelta(days=window):
        basis, start, months = "WINDOW", p.reactivated_on, p.reactivation_arrears_months
    elif arrears_months(p, on=on) >= 1 and not p.segment.is_state_paid:
        # In arrears today: what a stay would cost if the family paid and was reactivated today.
        basis, start, months = "IF_PAID_TODAY", on, arrears_months(p, on=on)
    else:
        basis, start, months = "NONE", None, 0
    until = start + timedelta(days=window - 1) if start else None
    in_window = bool(start and until and start <= admission <= until)
    penalty = penalty_amount(inacbg_cost=inacbg_cost, months_in_arrears=months) if in_window else 0
    return DendaQuote(p, inacbg_cost, admission, basis, start, until, months, penalty)


# --- staff (admin): scoped in the queryset --------------------------------------------------


def _branch_filter(qs: QuerySet, user: User, path: str) -> QuerySet:
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(**{path: user.branch_id})


def bills_for_staff(*, user: User) -> QuerySet[Bill]:
    return _branch_filter(
        Bill.objects.select_related("family", "segment"), user, "family__branch_id"
    )


def payments_for_staff(*, user: User) -> QuerySet[Payment]:
    return _branch_filter(
        Payment.objects.select_related("family", "channel"), user, "family__branch_id"
    )


def reactivations_for_staff(*, user: User) -> QuerySet[Reactivation]:
    return _branch_filter(
        Reactivation.objects.select_related("family", "payment__channel"),
        user,
        "family__branch_id",
    )


def notifications_for_staff(*, user: User) -> QuerySet[PaymentNotification]:
    """A notification whose VA matched no family belongs to no branch yet: every branch sees
    the unmatched ones (to reconcile them); matched ones only their family's branch."""
    qs = PaymentNotification.objects.select_related("channel", "payment__family")
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(Q(payment__isnull=True) | Q(payment__family__branch_id=user.branch_id))


def family_for_staff_by_va(*, user: User, virtual_account: str) -> FamilyCard | None:
    qs = FamilyCard.objects.filter(virtual_account=virtual_account)
    return _branch_filter(qs, user, "branch_id").first()
