"""The billing job's chunk: bills of many families for one month in one transaction, and a
family holding credit has its new bill settled at once. Above both billing and settlement,
so neither imports the other back."""

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from families.models import FamilyCard
from participants.contributions import RateTable

from ..models import Bill, Payment
from .bill_rows import bills_save
from .billing import WageBook, bills_for_family, current_members
from .settlement import family_settle_credit


def bills_generate(
    *,
    family_ids: Sequence[int],
    month: date,
    on: date,
    rates: RateTable,
    wages: WageBook,
) -> int:
    """Bills for `month` of the given families that have none yet, one per payer; returns how
    many were made.

    One transaction. The unique (family, month, payer) key makes a repeated or concurrent run
    create nothing twice: a conflicting insert rolls the chunk back and the caller runs it
    again. Members are billed as they stand on `on`; a family holding credit (a prepayment)
    has the new bill settled at once, as of `on`."""
    with transaction.atomic():
        existing = set(
            Bill.objects.filter(month=month, family_id__in=family_ids).values_list(
                "family_id", "payer"
            )
        )
        # Each payer's bill is made once: a family whose family bill a page already created
        # still gets its employer's or the state's.
        todo = list(family_ids)
        now = timezone.now()
        districts = dict(FamilyCard.objects.filter(pk__in=todo).values_list("pk", "district_id"))
        made = []
        for family_id, members in current_members(todo).items():
            made += [
                (bill, lines)
                for bill, lines in bills_for_family(
                    family_id=family_id,
                    members=members,
                    month=month,
                    on=on,
                    rates=rates,
                    wage_floor=wages.floor(districts[family_id], month),
                    now=now,
                )
                if (family_id, bill.payer) not in existing
            ]
        bills = bills_save(made)
        with_credit = (
            Payment.objects.filter(
                family_id__in=[b.family_id for b in bills if b.state == Bill.State.OPEN],
                allocated_amount__lt=F("amount"),
            )
            .values_list("family_id", flat=True)
            .distinct()
        )
        for family_id in sorted(set(with_credit)):
            family_settle_credit(family_id=family_id, on=on)
    return len(bills)
