"""payments' part of the demo (demos only, never production): a bank channel for trying
the notification API, the simulation channel behind "Bayar (simulasi)", the bills of the
demo families' unpaid months, and the payments behind the months they have paid, so that
Riwayat Pembayaran agrees with what Info Peserta says (issue 7 point 15). Secrets are random
per database, never committed; read one with `manage.py payment_channel_secret BANK_DEMO`.
Idempotent."""

import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.db.models import F, Max
from django.utils import timezone

from families.models import FamilyCard
from participants.models import Participant
from participants.status import month_index, month_start
from payments.models import Bill, Payment, PaymentChannel
from payments.services import family_bills_ensure
from payments.services.bill_rows import bills_save
from payments.services.billing import (
    VA_PAYERS,
    bills_for_family,
    current_members,
    rate_book,
    wage_book,
)
from payments.services.notifications import simulation_channel

DEMO_BANK = "BANK_DEMO"
# Months of paid history shown per family (the latest paid month and the ones before it).
HISTORY_MONTHS = 3


def seed_demo_payments(*, kk_numbers: list[str], today: date, log: Callable[[str], None]) -> None:
    bank, _created = PaymentChannel.objects.get_or_create(
        code=DEMO_BANK,
        defaults={"name": "Bank Demo (uji coba API)", "secret": secrets.token_hex(32)},
    )
    simulation_channel()
    made = paid = 0
    for family in FamilyCard.objects.filter(number__in=kk_numbers).order_by("number"):
        paid += seed_paid_history(family=family, bank=bank, today=today)
        made += len(family_bills_ensure(family=family, on=today))
    log(
        f"payments: channels {DEMO_BANK} and SIMULASI, {paid} paid months with their payments, "
        f"{made} bills for unpaid months"
    )


def _paid_at(month: date) -> datetime:
    """The 5th of the month at 10:00 Jakarta time (before the due date, the 10th), or three
    days ago if that is still to come: history is never in the future, and stays out of the
    notifications' look-back (they are not news)."""
    fifth = timezone.make_aware(datetime.combine(month + timedelta(days=4), time(10, 0)))
    return min(fifth, timezone.now() - timedelta(days=3))


def seed_paid_history(*, family: FamilyCard, bank: PaymentChannel, today: date) -> int:
    """The last HISTORY_MONTHS months the family has paid, each a PAID bill with the payment
    that settled it (a reactivated family: paid on the reactivation day). Families the
    state pays have no payments. Returns the months written."""
    members = current_members([family.pk]).get(family.pk, [])
    paid_through = max(
        (m.participant.paid_through for m in members if m.participant.paid_through), default=None
    )
    main = next((m for m in members if m.is_main), members[0] if members else None)
    if main is None or paid_through is None or main.participant.segment.is_state_paid:
        return 0
    last = month_index(min(paid_through, today))
    months = [month_start(last - k) for k in reversed(range(HISTORY_MONTHS))]
    reactivated = (
        Participant.objects.filter(pk__in=[m.participant.pk for m in members])
        .exclude(reactivated_on=None)
        .aggregate(last=Max("reactivated_on"))["last"]
    )
    # The bills as they stood before being paid: billing skips months already paid.
    unpaid = [replace(m, participant=replace(m.participant, paid_through=None)) for m in members]
    billed = set(
        Bill.objects.filter(family=family, month__in=months).values_list("month", flat=True)
    )
    rates, wages = rate_book(), wage_book()
    written = 0
    for month in months:
        if month in billed:
            continue  # seeded before (idempotent)
        made = bills_for_family(
            family_id=family.pk,
            members=unpaid,
            month=month,
            on=month,
            rates=rates.table(month),
            wage_floor=wages.floor(family.district_id, month),
            payers=VA_PAYERS,
        )
        if not made:
            continue  # nobody paid through the virtual account that month
        bills = bills_save(made)
        at = (
            timezone.make_aware(datetime.combine(reactivated, time(10, 0)))
            if reactivated and month >= month_start(month_index(reactivated) - 1)
            else _paid_at(month)
        )
        amount = sum(bill.amount for bill in bills)
        Payment.objects.create(
            channel=bank,
            transaction_id=f"DEMO-{family.number[-6:]}-{month:%Y%m}",
            family=family,
            virtual_account=family.virtual_account,
            amount=amount,
            allocated_amount=amount,
            paid_at=at,
            credited_at=at,
            result=Payment.Result.SETTLED,
        )
        Bill.objects.filter(pk__in=[bill.pk for bill in bills]).update(
            state=Bill.State.PAID, paid_amount=F("amount"), settled_at=at
        )
        written += 1
    return written
