"""One lock order for participant rows.

Every transaction that locks participants takes them here: all it needs in one statement, in
id order, before any other row it locks (discrepancies, memberships). Two writers then never
hold what the other waits for. Locking in the model's default order (card number) beside
writers that lock by id deadlocked the nightly recompute and month end against payment
reactivation and the Dukcapil sync (tests/test_lock_order.py shows both)."""

from collections.abc import Iterable

from .models import Participant


def participants_lock(*, ids: Iterable[int], live_only: bool = False) -> list[Participant]:
    """Lock these participants' rows (only theirs: `of=self`, not the segment they join) for
    the rest of the transaction and return them in id order; `live_only` skips retired
    duplicates. Call it inside `transaction.atomic`."""
    queryset = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("segment")
        .filter(pk__in=list(ids))
    )
    if live_only:
        queryset = queryset.filter(retired_at__isnull=True)
    return list(queryset.order_by("pk"))


def participant_lock(*, participant_id: int) -> Participant:
    """One participant's row, locked the same way; Participant.DoesNotExist if it is gone."""
    rows = participants_lock(ids=[participant_id])
    if not rows:
        raise Participant.DoesNotExist(f"participant {participant_id}")
    return rows[0]
