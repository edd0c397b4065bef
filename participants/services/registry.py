"""Facts from the Dukcapil registry (called by dukcapil_sync; this app never imports it)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from core.models import User

from ..locks import participants_lock
from ..models import Cause, Participant
from .refresh import REASON_MAX_LENGTH, participant_refresh_status

# What the registry is the source of truth for, plus the verification hold it leads to.
REGISTRY_FACT_FIELDS = frozenset(
    {
        "nik",
        "name",
        "birth_date",
        "sex",
        "marital_status",
        "date_of_death",
        "registry_hold",
        "hold_note",
    }
)


@dataclass(frozen=True)
class RegistryFactChange:
    """New values for one participant, with the audit reason recorded beside them."""

    participant_id: int
    changes: dict[str, Any]
    reason: str


def participants_apply_registry_facts(
    *,
    changes: Sequence[RegistryFactChange],
    cause: str = Cause.DUKCAPIL_SYNC,
    actor: User | None = None,
    on: date | None = None,
) -> list[Participant]:
    """Apply registry facts to many participants at once: one locked read, one bulk update
    that writes a history row per participant with its reason, then the status of each
    changed participant is re-derived (a StatusChange row only where it changed).

    Set-based on purpose: the nightly sync calls it once per chunk of a thousand people."""
    if not changes:
        return []
    unknown = {f for c in changes for f in c.changes} - REGISTRY_FACT_FIELDS
    if unknown:
        raise ValueError(f"not registry facts: {sorted(unknown)}")
    with transaction.atomic():
        rows = {p.pk: p for p in participants_lock(ids=[c.participant_id for c in changes])}
        fields: set[str] = set()
        touched: list[Participant] = []
        for change in changes:
            participant = rows.get(change.participant_id)
            if participant is None:
                continue
            for field, value in change.changes.items():
                setattr(participant, field, value)
                fields.add(field)
            if "registry_hold" in change.changes and not participant.registry_hold:
                participant.hold_note = ""
                fields.add("hold_note")
            participant._change_reason = change.reason[:REASON_MAX_LENGTH]  # type: ignore[attr-defined]
            participant._history_user = actor  # type: ignore[attr-defined]
            touched.append(participant)
        if touched:
            bulk_update_with_history(
                touched, Participant, sorted(fields), batch_size=500, default_user=actor
            )
            notes = {c.participant_id: c.reason for c in changes}
            for participant in touched:
                participant_refresh_status(
                    participant=participant,
                    cause=cause,
                    actor=actor,
                    note=notes[participant.pk],
                    on=on,
                )
    return touched
