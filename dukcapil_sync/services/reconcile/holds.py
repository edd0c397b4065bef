"""Verification holds that follow the open differences, and each participant's sync state
(when last checked, which hold the sync set). The sync lifts only holds it set itself."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from participants.models import Participant

from ...models import HOLD_SEVERITY, Discrepancy, Kind, ParticipantSyncState, SyncRun


def _hold_note(rows: list[Discrepancy]) -> str:
    """What differs, in the portal's first language (the note is stored, then shown)."""
    parts = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            if row.kind == Kind.NAME:
                parts.append(_("name at Dukcapil: %(v)s") % {"v": row.registry_value})
            elif row.kind == Kind.BIRTH_DATE:
                parts.append(_("birth date at Dukcapil: %(v)s") % {"v": row.registry_value})
            elif row.kind == Kind.SEX:
                parts.append(_("sex at Dukcapil: %(v)s") % {"v": row.registry_value})
            elif row.kind == Kind.ADDRESS:
                parts.append(_("address at Dukcapil: %(v)s") % {"v": row.registry_value})
            elif row.kind == Kind.NEWBORN_NIK:
                parts.append(
                    _("the NIK Dukcapil issued (%(nik)s) does not fit this baby") % {"nik": row.key}
                )
            elif row.kind == Kind.MOVED_KK:
                parts.append(_("listed on another KK at Dukcapil: %(v)s") % {"v": row.key})
            elif row.kind == Kind.DUPLICATE_NIK:
                parts.append(
                    _("NIK %(nik)s is also held by card %(card)s.")
                    % {"nik": row.key, "card": row.detail.get("other_card_number", "?")}
                )
    return "; ".join(parts)[:255]


def hold_changes(
    *, participant: Participant, open_rows: list[Discrepancy], hold_set: str
) -> tuple[dict[str, object], str]:
    """The hold the open differences call for, and the new `hold_set`. A hold the sync did
    not set (staff, or data from before the sync) is left alone; one that equals what the
    sync would set is adopted."""
    holding = [r for r in open_rows if r.hold]
    holds = {r.hold for r in holding}
    wanted = next((h for h in HOLD_SEVERITY if h in holds), "")
    current = participant.registry_hold
    if wanted:
        if current and current not in (hold_set, wanted):
            return {}, hold_set
        note = _hold_note([r for r in holding if r.hold == wanted])
        if (current, participant.hold_note) == (wanted, note):
            return {}, wanted
        return {"registry_hold": wanted, "hold_note": note}, wanted
    if current and current == hold_set:
        return {"registry_hold": "", "hold_note": ""}, ""
    return {}, hold_set if current else ""


def holds_follow_open_rows(
    *,
    participants: list[Participant],
    open_rows: list[Discrepancy],
    states: dict[int, ParticipantSyncState],
    facts: Callable[[int, dict[str, object], str], None],
) -> dict[int, str]:
    """Holds follow the rows that are open now: the hold changes go to `facts`; returns the
    new `hold_set` of each participant whose one changed."""
    open_by_participant: dict[int, list[Discrepancy]] = defaultdict(list)
    for row in open_rows:
        if row.participant_id is not None:
            open_by_participant[row.participant_id].append(row)
    hold_set: dict[int, str] = {}
    for p in participants:
        state = states.get(p.pk)
        previous = state.hold_set if state else ""
        if not (open_by_participant.get(p.pk) or p.registry_hold or previous):
            continue
        changes, new_hold_set = hold_changes(
            participant=p, open_rows=open_by_participant.get(p.pk, []), hold_set=previous
        )
        if changes:
            facts(
                p.pk, changes, "Dukcapil sync: hold " + (str(changes["registry_hold"]) or "lifted")
            )
        if new_hold_set != previous:
            hold_set[p.pk] = new_hold_set
    return hold_set


def record_states(
    *,
    run: SyncRun,
    participant_ids: list[int],
    states: dict[int, ParticipantSyncState],
    hold_set: dict[int, str],
    now: dt.datetime,
) -> None:
    """One UPDATE for the known participants (counting checks within this run), one INSERT
    for the new ones: `checks_in_last_run` is exactly 1 when nobody was checked twice."""
    known = [pid for pid in participant_ids if pid in states]
    if known:
        ParticipantSyncState.objects.filter(participant_id__in=known).update(
            last_checked_at=now,
            checks_in_last_run=Case(
                When(last_run_id=run.pk, then=F("checks_in_last_run") + 1), default=Value(1)
            ),
            last_run=run,
        )
    for pid, value in hold_set.items():
        if pid in states:
            ParticipantSyncState.objects.filter(participant_id=pid).update(hold_set=value)
    new = [
        ParticipantSyncState(
            participant_id=pid,
            last_checked_at=now,
            last_run=run,
            checks_in_last_run=1,
            hold_set=hold_set.get(pid, ""),
        )
        for pid in participant_ids
        if pid not in states
    ]
    if new:
        ParticipantSyncState.objects.bulk_create(new, batch_size=1000)


def participant_hold_refresh(
    *, participant: Participant, extra: dict[str, object] | None = None
) -> tuple[dict[str, object], str | None]:
    """After a staff decision: the hold changes for one participant, and the new hold_set
    to store (None: unchanged)."""
    open_rows = list(
        Discrepancy.objects.filter(participant=participant, status=Discrepancy.Status.OPEN)
    )
    state = ParticipantSyncState.objects.filter(participant=participant).first()
    previous = state.hold_set if state else ""
    changes, new_hold_set = hold_changes(
        participant=participant, open_rows=open_rows, hold_set=previous
    )
    return {**(extra or {}), **changes}, (new_hold_set if new_hold_set != previous else None)


def store_hold_set(*, participant: Participant, hold_set: str, now: dt.datetime) -> None:
    updated = ParticipantSyncState.objects.filter(participant=participant).update(hold_set=hold_set)
    if not updated:
        ParticipantSyncState.objects.create(
            participant=participant, last_checked_at=now, hold_set=hold_set
        )
