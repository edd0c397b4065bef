"""Turn what the registry said about a set of participants into discrepancy rows, applied
facts and verification holds: set-based, inside the caller's transaction.

Rules (DESIGN.md 4.8):
- A difference is recorded once: the row's identity is (participant or family, kind, key),
  backed by a unique constraint. Seen again, it is only marked as seen.
- Safe differences (settings.DUKCAPIL_SAFE_DIFFERENCES) are applied at once with an audit
  row; a death is applied at once (TIDAK AKTIF, DECEASED) and queued for confirmation; a
  newborn's NIK is applied at once. Everything else is OPEN in the staff queue and puts the
  participant in PENANGGUHAN.
- A decided row (ACCEPTED, KEPT) or an applied one is never changed by a later sync, so a
  staff decision is never silently overwritten. An OPEN row that a completed check no longer
  sees is closed as RESOLVED (and a death the registry withdrew is undone).
- The sync lifts only holds it set itself (ParticipantSyncState.hold_set): a hold set by
  staff stays until staff lift it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.utils import translation
from django.utils.translation import gettext as _

from families.models import FamilyCard, FamilyMembership
from participants.locks import participants_lock
from participants.models import Cause, Participant
from participants.services import RegistryFactChange, participants_apply_registry_facts

from ..client import FamilyCardBatch, PersonBatch
from ..compare import (
    FAMILY_KINDS,
    PERSON_KINDS,
    Observation,
    OurMember,
    RecordProblem,
    compare_family,
    compare_person,
)
from ..models import (
    HOLD_SEVERITY,
    Discrepancy,
    Kind,
    ParticipantSyncState,
    SyncChunk,
    SyncRecordError,
    SyncRun,
)


@dataclass
class ChunkResult:
    done: int = 0
    differences: int = 0
    applied: int = 0
    errors: int = 0


@dataclass(frozen=True)
class RegistryAnswers:
    persons: PersonBatch
    cards: FamilyCardBatch


def chunk_participant_ids(
    *, participant_ids: Iterable[int], family_ids: Iterable[int]
) -> list[int]:
    """The live participants a chunk covers: its own ids plus every current member of the
    families it checks (the same set for a full-sync chunk, built from whole families)."""
    ids = set(participant_ids)
    family_ids = list(family_ids)
    if family_ids:
        ids |= set(
            FamilyMembership.objects.filter(
                family_id__in=family_ids, valid_to__isnull=True
            ).values_list("participant_id", flat=True)
        )
    return sorted(
        Participant.objects.filter(pk__in=ids, retired_at__isnull=True).values_list("pk", flat=True)
    )


def chunk_registry_keys(
    *, participant_ids: list[int], family_ids: list[int]
) -> tuple[list[str], list[str]]:
    """The NIKs and KK numbers to ask the registry about (read before any HTTP call, so no
    transaction is held open while the registry answers)."""
    niks = list(
        Participant.objects.filter(pk__in=participant_ids, nik__isnull=False).values_list(
            "nik", flat=True
        )
    )
    numbers = list(FamilyCard.objects.filter(pk__in=family_ids).values_list("number", flat=True))
    return [n for n in niks if n], numbers


# --- holds ----------------------------------------------------------------------------------


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


def _identity(row: Discrepancy | Observation) -> tuple[object, ...]:
    if row.participant_id is not None:
        return ("p", row.participant_id, row.kind, row.key)
    return ("f", row.family_id, row.kind, row.key)


# --- the chunk ------------------------------------------------------------------------------


def reconcile(
    *,
    run: SyncRun,
    chunk: SyncChunk | None,
    participant_ids: list[int],
    family_ids: list[int],
    answers: RegistryAnswers,
    now: dt.datetime,
) -> ChunkResult:
    """Compare, record and apply for one chunk. Call inside a transaction: the participants
    are locked for its duration, so a staff correction in between is never lost."""
    safe = frozenset(settings.DUKCAPIL_SAFE_DIFFERENCES)
    participants = participants_lock(ids=participant_ids, live_only=True)
    by_id = {p.pk: p for p in participants}
    # Current memberships of the checked families (one indexed read), then of anyone else
    # in the chunk (participants without a checked family: rare in a full run).
    family_members = list(
        FamilyMembership.objects.filter(family_id__in=family_ids, valid_to__isnull=True).values(
            "participant_id", "family_id", "family__number", "participant__nik"
        )
    )
    memberships = {
        row["participant_id"]: row for row in family_members if row["participant_id"] in by_id
    }
    missing = [pid for pid in by_id if pid not in memberships]
    if missing:
        memberships.update(
            (row["participant_id"], row)
            for row in FamilyMembership.objects.filter(
                participant_id__in=missing, valid_to__isnull=True
            ).values("participant_id", "family_id", "family__number")
        )
    members = [
        OurMember(
            participant_id=p.pk,
            nik=p.nik,
            name=p.name,
            birth_date=p.birth_date,
            sex=p.sex,
            date_of_death=p.date_of_death,
            family_id=memberships.get(p.pk, {}).get("family_id"),
            kk_number=memberships.get(p.pk, {}).get("family__number"),
        )
        for p in participants
    ]

    observations: list[Observation] = []
    problems: list[tuple[int | None, str, str]] = []
    person_checked: set[int] = set()
    for member in members:
        if not member.nik:
            continue
        if member.nik in answers.persons.unreadable:
            problems.append(
                (
                    member.participant_id,
                    "REGISTRY_UNREADABLE",
                    answers.persons.unreadable[member.nik],
                )
            )
            continue
        person = answers.persons.found.get(member.nik)
        if person is None and member.nik not in answers.persons.not_found:
            # The NIK changed after the registry was asked: checked on the next run.
            continue
        try:
            observations += compare_person(member, person, safe=safe)
        except RecordProblem as problem:
            problems.append((member.participant_id, problem.code, problem.message))
            continue
        person_checked.add(member.participant_id)

    family_checked: set[int] = set()
    family_branch: dict[int, int] = {}
    if family_ids:
        family_rows = {
            f["pk"]: f
            for f in FamilyCard.objects.filter(pk__in=family_ids).values(
                "pk", "number", "branch_id"
            )
        }
        family_branch = {pk: f["branch_id"] for pk, f in family_rows.items()}
        by_family: dict[int, list[OurMember]] = defaultdict(list)
        for member in members:
            if member.family_id is not None:
                by_family[member.family_id].append(member)
        cards = {
            fid: answers.cards.found.get(family_rows[fid]["number"])
            for fid in family_ids
            if fid in family_rows
        }
        other_niks: dict[int, set[str]] = defaultdict(set)
        for row in family_members:
            if row["participant_id"] not in by_id and row["participant__nik"]:
                other_niks[row["family_id"]].add(row["participant__nik"])
        ours = {m.nik for m in members if m.nik} | {n for ns in other_niks.values() for n in ns}
        new_niks = {
            rm.nik for card in cards.values() if card for rm in card.members if rm.nik not in ours
        }
        owners = {
            nik: (pk, card)
            for nik, pk, card in Participant.objects.filter(
                nik__in=new_niks, retired_at__isnull=True
            ).values_list("nik", "pk", "card_number")
        }
        for fid, card in cards.items():
            number = family_rows[fid]["number"]
            if number in answers.cards.unreadable:
                problems.append((None, "REGISTRY_UNREADABLE", answers.cards.unreadable[number]))
                continue
            if card is None:
                continue  # a KK the registry does not list: each member's check says more
            observations += compare_family(
                family_id=fid,
                members=by_family.get(fid, []),
                card=card,
                nik_owners=owners,
                other_niks=frozenset(other_niks.get(fid, set())),
            )
            family_checked.add(fid)

    result = ChunkResult(done=len(participants), errors=len(problems))
    rows = list(
        Discrepancy.objects.select_for_update()
        .filter(Q(participant_id__in=by_id) | Q(participant__isnull=True, family_id__in=family_ids))
        .order_by("pk")
    )
    existing = {_identity(r): r for r in rows}
    facts: dict[int, dict[str, object]] = defaultdict(dict)
    reasons: dict[int, list[str]] = defaultdict(list)
    new_rows: list[Discrepancy] = []
    changed_rows: list[Discrepancy] = []
    seen: set[int] = set()

    for obs in observations:
        row = existing.get(_identity(obs))
        if row is not None:
            seen.add(row.pk)
            row.last_seen_at = now
            if row.status == Discrepancy.Status.RESOLVED and obs.differs:
                # The same difference came back: it is open again (or applied again).
                row.status, row.resolved_at, row.resolution_note = obs.status, None, ""
                row.our_value = obs.our_value[:255]
                if obs.status == Discrepancy.Status.APPLIED:
                    row.resolved_at = now
                result.differences += 1
                _collect(obs, facts, reasons)
            changed_rows.append(row)
            continue
        if not obs.differs:
            continue
        branch_id = (
            by_id[obs.participant_id].branch_id
            if obs.participant_id is not None
            else family_branch[obs.family_id]  # type: ignore[index]
        )
        row = Discrepancy(
            kind=obs.kind,
            participant_id=obs.participant_id,
            family_id=obs.family_id,
            branch_id=branch_id,
            key=obs.key[:255],
            our_value=obs.our_value[:255],
            registry_value=obs.registry_value[:255],
            detail=obs.detail,
            status=obs.status,
            first_seen_at=now,
            last_seen_at=now,
            first_seen_run=run,
            resolved_at=now if obs.status == Discrepancy.Status.APPLIED else None,
            resolution_note=(obs.reason[:255] if obs.status == Discrepancy.Status.APPLIED else ""),
        )
        new_rows.append(row)
        existing[_identity(row)] = row
        result.differences += 1
        if obs.status == Discrepancy.Status.APPLIED:
            result.applied += 1
        _collect(obs, facts, reasons)

    # Open rows a completed check no longer sees: the difference is gone.
    for row in rows:
        if row.pk in seen or row.status != Discrepancy.Status.OPEN:
            continue
        checked = (row.kind in PERSON_KINDS and row.participant_id in person_checked) or (
            row.kind in FAMILY_KINDS
            and (row.family_id in family_checked)
            and (row.participant_id is None or row.participant_id in by_id)
        )
        if not checked:
            continue
        row.status, row.resolved_at = Discrepancy.Status.RESOLVED, now
        row.resolution_note = "Dukcapil and our data agree now"
        changed_rows.append(row)
        participant = by_id.get(row.participant_id) if row.participant_id else None
        if (
            row.kind == Kind.NIK_DECEASED
            and participant is not None
            and participant.date_of_death is not None
            and participant.date_of_death.isoformat() == row.registry_value
        ):
            # The registry withdrew the death we had applied from it.
            facts[participant.pk]["date_of_death"] = None
            reasons[participant.pk].append("Dukcapil sync: death withdrawn")

    if new_rows:
        Discrepancy.objects.bulk_create(new_rows, batch_size=500)
    if changed_rows:
        Discrepancy.objects.bulk_update(
            changed_rows,
            ["last_seen_at", "status", "resolved_at", "resolution_note", "our_value"],
            batch_size=500,
        )

    # Holds follow the rows that are open now.
    states = {
        s.participant_id: s for s in ParticipantSyncState.objects.filter(participant_id__in=by_id)
    }
    open_by_participant: dict[int, list[Discrepancy]] = defaultdict(list)
    for row in existing.values():
        if row.status == Discrepancy.Status.OPEN and row.participant_id is not None:
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
            facts[p.pk].update(changes)
            reasons[p.pk].append(
                "Dukcapil sync: hold " + (str(changes["registry_hold"]) or "lifted")
            )
        if new_hold_set != previous:
            hold_set[p.pk] = new_hold_set

    if facts:
        participants_apply_registry_facts(
            changes=[
                RegistryFactChange(
                    participant_id=pid, changes=changes, reason="; ".join(reasons[pid])
                )
                for pid, changes in sorted(facts.items())
                if changes
            ],
            cause=Cause.DUKCAPIL_SYNC,
        )

    _record_states(run=run, participant_ids=list(by_id), states=states, hold_set=hold_set, now=now)
    if problems:
        SyncRecordError.objects.bulk_create(
            [
                SyncRecordError(run=run, chunk=chunk, participant_id=pid, code=code, message=msg)
                for pid, code, msg in problems
            ]
        )
    return result


def _collect(
    obs: Observation, facts: dict[int, dict[str, object]], reasons: dict[int, list[str]]
) -> None:
    if obs.apply and obs.participant_id is not None:
        facts[obs.participant_id].update(obs.apply)
        reasons[obs.participant_id].append(obs.reason)


def _record_states(
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
