"""Settlement: a family's credit pays its charged bills, all at once or not at all.

Perpres 64/2020 Pasal 42(3): reactivation needs the arrears (at most 24 months) plus the
current month paid. So a payment that does not cover that is held as credit (PARTIAL), and
the bills show what remains; when the credit covers it, every charged bill is paid, older
unpaid months are waived, and one Reactivation row records the facts to apply to the members.
The caller holds the family's row lock, so two payments of one family settle one at a time."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.enqueue import enqueue_on_commit
from families.models import FamilyCard
from participants.contributions import ARREARS_MONTHS_CAP, VA_PAYERS, month_index, month_start

from ..models import Bill, Payment, Reactivation
from .billing import current_members, family_bills_ensure, family_first_unpaid


@dataclass(frozen=True)
class Settlement:
    needed: int  # what the charged open bills needed before this settlement
    available: int  # the family's unallocated credit, this payment included
    reactivation: Reactivation | None

    @property
    def remaining(self) -> int:
        return 0 if self.reactivation else max(0, self.needed - self.available)


def _charged_window(on: date) -> tuple[date, date]:
    current = month_index(on)
    return month_start(current - ARREARS_MONTHS_CAP), month_start(current)


def family_settle(*, family: FamilyCard, on: date, payment: Payment) -> Settlement:
    """Pay the family's charged bills from its credit if the credit covers all of them.

    `payment` is the credit that completes the settlement (recorded on the Reactivation).
    Must run inside a transaction holding the family's row lock."""
    members = current_members([family.pk]).get(family.pk, [])
    family_bills_ensure(family=family, members=members, on=on)
    first_month, last_month = _charged_window(on)
    open_bills = list(
        Bill.objects.filter(
            family=family, state=Bill.State.OPEN, month__lte=last_month, payer__in=VA_PAYERS
        ).order_by("month")
    )
    charged = [b for b in open_bills if b.month >= first_month]
    older = [b for b in open_bills if b.month < first_month]
    needed = sum(b.amount - b.paid_amount for b in charged)
    credits = list(
        Payment.objects.filter(family=family, allocated_amount__lt=F("amount")).order_by(
            "credited_at", "id"
        )
    )
    available = sum(p.unallocated for p in credits)
    if needed == 0 or available < needed:
        return Settlement(needed, available, None)

    now = timezone.now()
    first_unpaid = family_first_unpaid(members, on=on)
    arrears = max(0, month_index(on) - month_index(first_unpaid)) if first_unpaid else 0
    reactivation = Reactivation.objects.create(
        family=family,
        payment=payment,
        confirmed_on=on,
        paid_through=max(b.month for b in charged),
        arrears_months=min(arrears, 32767),
        created_at=now,
    )
    # Oldest credit pays the oldest bill first.
    queue = iter(credits)
    credit = next(queue)
    touched: list[Payment] = []
    for bill in charged:
        due = bill.amount - bill.paid_amount
        while due:
            if credit.unallocated == 0:
                credit = next(queue)  # the credit covers `needed`: never exhausted here
            if not touched or touched[-1] is not credit:
                touched.append(credit)
            take = min(due, credit.unallocated)
            credit.allocated_amount += take
            due -= take
    # Set-based: one statement for the paid bills, one for the waived, one per credit used.
    Bill.objects.filter(pk__in=[b.pk for b in charged]).update(
        state=Bill.State.PAID, paid_amount=F("amount"), settled_at=now, settled_by=reactivation
    )
    if older:
        Bill.objects.filter(pk__in=[b.pk for b in older]).update(
            state=Bill.State.WAIVED, settled_at=now, settled_by=reactivation
        )
    for credit in touched:
        Payment.objects.filter(pk=credit.pk).update(allocated_amount=credit.allocated_amount)
        if credit.pk == payment.pk:
            payment.allocated_amount = credit.allocated_amount
    # A broker outage must not undo a committed payment: the sweep catches a lost send.
    # PAYMENTS_QUEUE lets production give reactivations a queue of their own, so a long
    # billing run never delays a family waiting to be active again.
    enqueue_on_commit(
        "payments.tasks.reactivate", reactivation.pk, queue=settings.PAYMENTS_QUEUE or None
    )
    return Settlement(needed, available, reactivation)


def family_settle_credit(*, family_id: int, on: date) -> Settlement | None:
    """Settle with credit the family already holds (a prepayment or earlier partials), e.g.
    when a new bill appears. Locks the family; the newest credited payment is recorded."""
    with transaction.atomic():
        family = FamilyCard.objects.select_for_update().get(pk=family_id)
        latest = (
            Payment.objects.filter(family=family, allocated_amount__lt=F("amount"))
            .order_by("-credited_at", "-id")
            .first()
        )
        if latest is None:
            return None
        return family_settle(family=family, on=on, payment=latest)
