"""The stored status: derived from the facts, written, and every change recorded as a
StatusChange row. The one place every status write goes through."""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from core.models import User

from ..locks import participants_lock
from ..models import Participant, StatusChange
from ..status import derive_status

# django-simple-history stores the change reason in a 100-character column.
REASON_MAX_LENGTH = 100


def today() -> date:
    return timezone.localdate()


def derive_change(
    p: Participant, *, on: date, now: datetime, cause: str, note: str = ""
) -> StatusChange | None:
    """Derive p's status; if it differs from the stored one (or was never recorded), set it on
    p and return the unsaved StatusChange. The one place every status write goes through."""
    result = derive_status(p, on=on)
    unchanged = (p.status, p.status_reason) == (result.status, result.reason)
    # The first derivation is recorded too: the history then starts at registration.
    if unchanged and p.status_changed_at is not None:
        return None
    change = StatusChange(
        participant=p,
        changed_at=now,
        old_status=p.status if p.status_changed_at else "",
        old_reason=p.status_reason if p.status_changed_at else "",
        status=result.status,
        reason=result.reason,
        cause=cause,
        note=note[:255],
    )
    p.status, p.status_reason, p.status_changed_at = result.status, result.reason, now
    return change


def participant_refresh_status(
    *,
    participant: Participant,
    cause: str,
    actor: User | None = None,
    note: str = "",
    on: date | None = None,
) -> StatusChange | None:
    """Derive the status from the facts; store it and record a StatusChange if it changed."""
    on = on or today()
    now = timezone.now()
    change = derive_change(participant, on=on, now=now, cause=cause, note=note)
    if change is None:
        return None
    change.actor = actor
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            status=change.status, status_reason=change.reason, status_changed_at=now
        )
        change.save()
    return change


def participants_refresh_statuses(
    *, participant_ids: Sequence[int], cause: str, on: date | None = None
) -> int:
    """Set-based refresh for jobs: one read, one bulk update and one bulk insert per chunk.
    Idempotent: a participant whose status did not change is not touched."""
    on = on or today()
    now = timezone.now()
    with transaction.atomic():
        rows = participants_lock(ids=participant_ids)
        changed: list[Participant] = []
        history: list[StatusChange] = []
        for p in rows:
            change = derive_change(p, on=on, now=now, cause=cause)
            if change is not None:
                history.append(change)
                changed.append(p)
        if changed:
            Participant.objects.bulk_update(
                changed, ["status", "status_reason", "status_changed_at"], batch_size=1000
            )
            StatusChange.objects.bulk_create(history, batch_size=1000)
    return len(changed)
