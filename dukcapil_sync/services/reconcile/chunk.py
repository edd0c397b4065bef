"""One chunk's reconciliation: compare our participants and families with the registry's
answers, record the differences (new, seen again, gone), and let facts and holds follow, all
inside the caller's transaction. Each stage is a function; `reconcile` runs them in order."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from django.conf import settings
from django.db.models import Q

from families.models import FamilyCard, FamilyMembership
from families.services import family_main_after_death
from participants.locks import participants_lock
from participants.models import Cause, Participant
from participants.services import RegistryFactChange, participants_apply_registry_facts

from ...client import FamilyCardBatch, PersonBatch
from ...compare import (
    FAMILY_KINDS,
    PERSON_KINDS,
    Observation,
    OurMember,
    RecordProblem,
    compare_family,
    compare_person,
)
from ...models import Discrepancy, Kind, ParticipantSyncState, SyncChunk, SyncRecordError, SyncRun
from .holds import holds_follow_open_rows, record_states
from .scope import ChunkResult, RegistryAnswers


class _Membership(TypedDict, total=False):
    participant_id: int
    family_id: int
    family__number: str
    family__address: str
    participant__nik: str | None


@dataclass
class _Checks:
    """What comparing the chunk found: observations, per-record problems, and which people
    and families were completely checked (only those may have differences resolved)."""

    observations: list[Observation] = field(default_factory=list)
    problems: list[tuple[int | None, str, str]] = field(default_factory=list)
    person_checked: set[int] = field(default_factory=set)
    family_checked: set[int] = field(default_factory=set)
    family_branch: dict[int, int] = field(default_factory=dict)


@dataclass
class _Facts:
    """Participant facts to change, with the reasons for the audit row."""

    changes: dict[int, dict[str, object]] = field(default_factory=lambda: defaultdict(dict))
    reasons: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, participant_id: int, changes: dict[str, object], reason: str) -> None:
        self.changes[participant_id].update(changes)
        self.reasons[participant_id].append(reason)


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
    participants = participants_lock(ids=participant_ids, live_only=True)
    by_id = {p.pk: p for p in participants}
    family_members = _family_memberships(family_ids)
    members = _our_members(participants, family_members)
    checks = _Checks()
    _compare_persons(members, answers.persons, checks)
    if family_ids:
        _compare_families(family_ids, members, family_members, by_id, answers.cards, checks)

    result = ChunkResult(done=len(participants), errors=len(checks.problems))
    facts = _Facts()
    open_rows = _record_discrepancies(
        run=run,
        by_id=by_id,
        family_ids=family_ids,
        checks=checks,
        now=now,
        result=result,
        facts=facts,
    )
    states = {
        s.participant_id: s for s in ParticipantSyncState.objects.filter(participant_id__in=by_id)
    }
    hold_set = holds_follow_open_rows(
        participants=participants, open_rows=open_rows, states=states, facts=facts.add
    )
    if facts.changes:
        touched = participants_apply_registry_facts(
            changes=[
                RegistryFactChange(
                    participant_id=pid, changes=changes, reason="; ".join(facts.reasons[pid])
                )
                for pid, changes in sorted(facts.changes.items())
                if changes
            ],
            cause=Cause.DUKCAPIL_SYNC,
        )
        # DESIGN.md 4.5: a dead main participant hands the family to the next by priority.
        for p in touched:
            if p.date_of_death and facts.changes.get(p.pk, {}).get("date_of_death"):
                family_main_after_death(
                    participant=p, on=p.date_of_death, actor=None, reason="Dukcapil sync: death"
                )
    record_states(run=run, participant_ids=list(by_id), states=states, hold_set=hold_set, now=now)
    if checks.problems:
        SyncRecordError.objects.bulk_create(
            [
                SyncRecordError(run=run, chunk=chunk, participant_id=pid, code=code, message=msg)
                for pid, code, msg in checks.problems
            ]
        )
    return result


def _family_memberships(family_ids: list[int]) -> list[_Membership]:
    """Current memberships of the checked families, in one indexed read."""
    return [
        _Membership(**row)  # type: ignore[typeddict-item]
        for row in FamilyMembership.objects.filter(
            family_id__in=family_ids, valid_to__isnull=True
        ).values(
            "participant_id", "family_id", "family__number", "family__address", "participant__nik"
        )
    ]


def _our_members(
    participants: list[Participant], family_members: list[_Membership]
) -> list[OurMember]:
    by_id = {p.pk for p in participants}
    memberships = {m["participant_id"]: m for m in family_members if m["participant_id"] in by_id}
    # Anyone in the chunk without a checked family (rare in a full run): their own KK.
    missing = [pid for pid in by_id if pid not in memberships]
    if missing:
        memberships.update(
            (m["participant_id"], _Membership(**m))  # type: ignore[typeddict-item]
            for m in FamilyMembership.objects.filter(
                participant_id__in=missing, valid_to__isnull=True
            ).values("participant_id", "family_id", "family__number", "family__address")
        )
    return [
        OurMember(
            participant_id=p.pk,
            nik=p.nik,
            name=p.name,
            birth_date=p.birth_date,
            sex=p.sex,
            date_of_death=p.date_of_death,
            family_id=memberships.get(p.pk, {}).get("family_id"),
            kk_number=memberships.get(p.pk, {}).get("family__number"),
            address=memberships.get(p.pk, {}).get("family__address") or "",
            marital_status=p.marital_status,
        )
        for p in participants
    ]


def _compare_persons(members: list[OurMember], persons: PersonBatch, checks: _Checks) -> None:
    safe = frozenset(settings.DUKCAPIL_SAFE_DIFFERENCES)
    for member in members:
        if not member.nik:
            continue
        if member.nik in persons.unreadable:
            checks.problems.append(
                (member.participant_id, "REGISTRY_UNREADABLE", persons.unreadable[member.nik])
            )
            continue
        person = persons.found.get(member.nik)
        if person is None and member.nik not in persons.not_found:
            # The NIK changed after the registry was asked: checked on the next run.
            continue
        try:
            checks.observations += compare_person(member, person, safe=safe)
        except RecordProblem as problem:
            checks.problems.append((member.participant_id, problem.code, problem.message))
            continue
        checks.person_checked.add(member.participant_id)


def _compare_families(
    family_ids: list[int],
    members: list[OurMember],
    family_members: list[_Membership],
    by_id: dict[int, Participant],
    answers: FamilyCardBatch,
    checks: _Checks,
) -> None:
    family_rows = {
        f["pk"]: f
        for f in FamilyCard.objects.filter(pk__in=family_ids).values("pk", "number", "branch_id")
    }
    checks.family_branch = {pk: f["branch_id"] for pk, f in family_rows.items()}
    by_family: dict[int, list[OurMember]] = defaultdict(list)
    for member in members:
        if member.family_id is not None:
            by_family[member.family_id].append(member)
    cards = {
        fid: answers.found.get(family_rows[fid]["number"])
        for fid in family_ids
        if fid in family_rows
    }
    other_niks: dict[int, set[str]] = defaultdict(set)
    for m in family_members:
        nik = m.get("participant__nik")
        if m["participant_id"] not in by_id and nik:
            other_niks[m["family_id"]].add(nik)
    ours = {m.nik for m in members if m.nik} | {n for ns in other_niks.values() for n in ns}
    new_niks = {
        rm.nik for card in cards.values() if card for rm in card.members if rm.nik not in ours
    }
    owners = {
        nik: (pk, card_number)
        for nik, pk, card_number in Participant.objects.filter(
            nik__in=new_niks, retired_at__isnull=True
        ).values_list("nik", "pk", "card_number")
        if nik
    }
    for fid, card in cards.items():
        number = family_rows[fid]["number"]
        if number in answers.unreadable:
            checks.problems.append((None, "REGISTRY_UNREADABLE", answers.unreadable[number]))
            continue
        if card is None:
            continue  # a KK the registry does not list: each member's check says more
        checks.observations += compare_family(
            family_id=fid,
            members=by_family.get(fid, []),
            card=card,
            nik_owners=owners,
            other_niks=frozenset(other_niks.get(fid, set())),
        )
        checks.family_checked.add(fid)


def _record_discrepancies(
    *,
    run: SyncRun,
    by_id: dict[int, Participant],
    family_ids: list[int],
    checks: _Checks,
    now: dt.datetime,
    result: ChunkResult,
    facts: _Facts,
) -> list[Discrepancy]:
    """New differences become rows, known ones are marked seen (or reopened), open ones a
    completed check no longer sees are resolved. Returns the rows open now."""
    rows = list(
        Discrepancy.objects.select_for_update()
        .filter(Q(participant_id__in=by_id) | Q(participant__isnull=True, family_id__in=family_ids))
        .order_by("pk")
    )
    existing = {_identity(r): r for r in rows}
    new_rows: list[Discrepancy] = []
    changed_rows: list[Discrepancy] = []
    seen: set[int] = set()

    for obs in checks.observations:
        known = existing.get(_identity(obs))
        if known is not None:
            seen.add(known.pk)
            known.last_seen_at = now
            if known.status == Discrepancy.Status.RESOLVED and obs.differs:
                # The same difference came back: it is open again (or applied again).
                known.status, known.resolved_at, known.resolution_note = obs.status, None, ""
                known.our_value = obs.our_value[:255]
                if obs.status == Discrepancy.Status.APPLIED:
                    known.resolved_at = now
                    result.applied += 1  # said so to the participant, like a new one
                result.differences += 1
                _collect(obs, facts)
            changed_rows.append(known)
            continue
        if not obs.differs:
            continue
        if obs.participant_id is not None:
            branch_id = by_id[obs.participant_id].branch_id
        else:
            assert obs.family_id is not None  # an observation is about a person or a family
            branch_id = checks.family_branch[obs.family_id]
        applied = obs.status == Discrepancy.Status.APPLIED
        new = Discrepancy(
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
            resolved_at=now if applied else None,
            resolution_note=obs.reason[:255] if applied else "",
        )
        new_rows.append(new)
        existing[_identity(new)] = new
        result.differences += 1
        if applied:
            result.applied += 1
        _collect(obs, facts)

    for row in rows:
        if (
            row.pk not in seen
            and row.status == Discrepancy.Status.OPEN
            and _resolve_if_gone(row, by_id=by_id, checks=checks, now=now, facts=facts)
        ):
            changed_rows.append(row)

    if new_rows:
        Discrepancy.objects.bulk_create(new_rows, batch_size=500)
    if changed_rows:
        Discrepancy.objects.bulk_update(
            changed_rows,
            ["last_seen_at", "status", "resolved_at", "resolution_note", "our_value"],
            batch_size=500,
        )
    return [r for r in existing.values() if r.status == Discrepancy.Status.OPEN]


def _resolve_if_gone(
    row: Discrepancy,
    *,
    by_id: dict[int, Participant],
    checks: _Checks,
    now: dt.datetime,
    facts: _Facts,
) -> bool:
    """An open row a completed check no longer sees: the difference is gone."""
    checked = (row.kind in PERSON_KINDS and row.participant_id in checks.person_checked) or (
        row.kind in FAMILY_KINDS
        and (row.family_id in checks.family_checked)
        and (row.participant_id is None or row.participant_id in by_id)
    )
    if not checked:
        return False
    row.status, row.resolved_at = Discrepancy.Status.RESOLVED, now
    row.resolution_note = "Dukcapil and our data agree now"
    participant = by_id.get(row.participant_id) if row.participant_id else None
    if (
        row.kind == Kind.NIK_DECEASED
        and participant is not None
        and participant.date_of_death is not None
        and participant.date_of_death.isoformat() == row.registry_value
    ):
        # The registry withdrew the death we had applied from it.
        facts.add(participant.pk, {"date_of_death": None}, "Dukcapil sync: death withdrawn")
    return True


def _identity(row: Discrepancy | Observation) -> tuple[object, ...]:
    if row.participant_id is not None:
        return ("p", row.participant_id, row.kind, row.key)
    return ("f", row.family_id, row.kind, row.key)


def _collect(obs: Observation, facts: _Facts) -> None:
    if obs.apply and obs.participant_id is not None:
        facts.add(obs.participant_id, obs.apply, obs.reason)
