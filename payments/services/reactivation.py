"""Applying settlements to the members: paid-through month, reactivation, status (cause
PAYMENT). Called by the event task (enqueued on commit) and by the periodic sweep."""

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from participants.services import PaymentFacts, participants_record_payments

from ..models import Bill, BillLine, Reactivation


def reactivations_apply(
    *, reactivation_ids: Sequence[int], also_waiting: int = 0
) -> list[Reactivation]:
    """Apply the PENDING reactivations among `reactivation_ids`, plus up to `also_waiting` of
    the oldest others waiting (at the month's peak, one worker applying many together is far
    faster), each exactly once; returns those applied here.

    Rows are claimed under lock with SKIP LOCKED (whoever holds one is applying it, so two
    workers take different batches) and marked DONE in the same transaction as the members'
    facts: a worker killed halfway leaves them PENDING for the sweep, and a second delivery of
    a task finds nothing to do. One batch is a handful of statements, whatever its size."""
    with transaction.atomic():
        # Lock these rows only (`of`): the payments and channel they join are shared with
        # other reactivations in flight, and a lock on those would make SKIP LOCKED skip these.
        pending = (
            Reactivation.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .filter(state=Reactivation.State.PENDING)
            .select_related("payment__channel")
        )
        claimed = list(pending.filter(pk__in=reactivation_ids).order_by("pk"))
        if also_waiting > 0:
            claimed += pending.exclude(pk__in=reactivation_ids).order_by("created_at", "pk")[
                :also_waiting
            ]
        if not claimed:
            return []
        members: dict[int, set[int]] = {r.pk: set() for r in claimed}
        for reactivation_id, participant_id in BillLine.objects.filter(
            bill__settled_by__in=[r.pk for r in claimed], bill__state=Bill.State.PAID
        ).values_list("bill__settled_by_id", "participant_id"):
            members[reactivation_id].add(participant_id)
        counts = participants_record_payments(
            payments=[
                PaymentFacts(
                    participant_ids=sorted(members[r.pk]),
                    paid_through=r.paid_through,
                    confirmed_on=r.confirmed_on,
                    note=f"{r.payment.channel.code} {r.payment.transaction_id}",
                )
                for r in claimed
            ]
        )
        now = timezone.now()
        for r, count in zip(claimed, counts, strict=True):
            r.state, r.done_at, r.status_changes = Reactivation.State.DONE, now, count
        Reactivation.objects.bulk_update(claimed, ["state", "done_at", "status_changes"])
    return claimed


def reactivation_apply(*, reactivation_id: int) -> Reactivation | None:
    """Apply one reactivation; None if it was already applied or is being applied."""
    done = reactivations_apply(reactivation_ids=[reactivation_id])
    return done[0] if done else None
