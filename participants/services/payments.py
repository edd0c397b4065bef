"""What confirmed payments establish: paid through, reactivation and the denda window, then
the status (payments calls this; participants never imports payments)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..locks import participants_lock
from ..models import Cause, Participant, StatusChange
from ..status import arrears_months
from .refresh import REASON_MAX_LENGTH, derive_change, today


@dataclass(frozen=True)
class PaymentFacts:
    """What one confirmed payment establishes for some members."""

    participant_ids: Sequence[int]
    paid_through: date
    confirmed_on: date
    note: str


def participants_record_payment(
    *,
    participant_ids: Sequence[int],
    paid_through: date,
    confirmed_on: date,
    note: str,
    on: date | None = None,
) -> int:
    """One payment's facts; see `participants_record_payments`. Returns the status changes."""
    facts = PaymentFacts(participant_ids, paid_through, confirmed_on, note)
    return participants_record_payments(payments=[facts], on=on)[0]


def participants_record_payments(
    *, payments: Sequence[PaymentFacts], on: date | None = None
) -> list[int]:
    """The facts of confirmed payments, then the status with cause PAYMENT (payments calls
    this; participants never imports payments). Returns the status changes per payment.

    Each member paid through `paid_through`; a member who was in arrears on `confirmed_on` is
    reactivated that day, which starts the 45-day denda pelayanan window with the months in
    arrears (Perpres 64/2020 Pasal 42). Idempotent: `paid_through` never moves back, and a
    second call finds nobody in arrears and changes nothing.

    Set-based across the payments (a handful of statements for a whole batch): at the
    month's peak the worker applies many payments at once. A member named by two payments of
    the batch gets them in order."""
    on = on or today()
    now = timezone.now()
    counts = [0] * len(payments)
    # Rounds in which no member appears twice, so each payment sees the previous one's facts.
    rounds: list[list[int]] = []
    seen: list[set[int]] = []
    for index, facts in enumerate(payments):
        ids = set(facts.participant_ids)
        slot = next((r for r, taken in enumerate(seen) if not taken & ids), None)
        if slot is None:
            rounds.append([])
            seen.append(set())
            slot = len(rounds) - 1
        rounds[slot].append(index)
        seen[slot] |= ids
    with transaction.atomic():
        locked = {
            p.pk: p
            for p in participants_lock(ids={pk for f in payments for pk in f.participant_ids})
        }
        for indexes in rounds:
            _record_payment_round(
                [(i, payments[i]) for i in indexes], locked, counts, on=on, now=now
            )
    return counts


def _record_payment_round(
    items: list[tuple[int, PaymentFacts]],
    locked: dict[int, Participant],
    counts: list[int],
    *,
    on: date,
    now: Any,
) -> None:
    facts_changed: dict[tuple[date, date | None, int], list[Participant]] = {}
    for _index, facts in items:
        for pk in facts.participant_ids:
            p = locked.get(pk)
            if p is None or (p.paid_through is not None and p.paid_through >= facts.paid_through):
                continue
            months = arrears_months(p, on=facts.confirmed_on)
            if months >= 1:
                p.reactivated_on = facts.confirmed_on
                p.reactivation_arrears_months = min(months, 32767)
            p.paid_through = facts.paid_through
            # django-simple-history takes the reason from the object: the payment.
            p._change_reason = facts.note[:REASON_MAX_LENGTH]  # type: ignore[attr-defined]
            key = (facts.paid_through, p.reactivated_on, p.reactivation_arrears_months)
            facts_changed.setdefault(key, []).append(p)
    for (paid_through, reactivated_on, months), people in facts_changed.items():
        Participant.objects.filter(pk__in=[p.pk for p in people]).update(
            paid_through=paid_through,
            reactivated_on=reactivated_on,
            reactivation_arrears_months=months,
        )
    if facts_changed:
        # Field-level audit rows only (the update is done), each naming its payment.
        bulk_update_with_history(
            [p for people in facts_changed.values() for p in people], Participant, []
        )
    history: list[StatusChange] = []
    statuses: dict[tuple[str, str], list[int]] = {}
    for index, facts in items:
        for pk in facts.participant_ids:
            p = locked.get(pk)
            if p is None:
                continue
            change = derive_change(p, on=on, now=now, cause=Cause.PAYMENT, note=facts.note)
            if change is None:
                continue
            history.append(change)
            statuses.setdefault((change.status, change.reason), []).append(p.pk)
            counts[index] += 1
    for (status, reason), pks in statuses.items():
        Participant.objects.filter(pk__in=pks).update(
            status=status, status_reason=reason, status_changed_at=now
        )
    if history:
        StatusChange.objects.bulk_create(history, batch_size=500)
