"""Staff decisions on the discrepancy queue: accept the registry's value, or keep ours with a
reason. Each decision is one transaction: the discrepancy, the participant's data (audited,
with the acting user and the reason), the verification hold and the status change together.

What accepting means per kind:
- NAME, BIRTH_DATE, SEX: our value becomes the registry's.
- NIK_DECEASED: the death (already applied by the sync) is confirmed.
- NIK_UNKNOWN: the registry does not know our NIK, so staff give the right one (from the
  KTP/KK); it must be known to the registry and fit the birth date and sex.
- MOVED_KK: the participant leaves our KK for the one the registry lists (created from the
  registry's data if we do not have it).
- NEW_KK_MEMBER: the member is registered into the family. A family does it itself through
  Tambah anggota keluarga (registrations), which closes the offer (`new_member_offers_close`).
- DUPLICATE_NIK: the record on the registry's KK keeps the NIK; the other record is retired
  and merged into it.
- NIK_DECEASED without a date: refused until staff record the date of death from the death
  certificate (the date decides coverage and bills); the next sync then closes the row.
- ADDRESS: the family card's address becomes the registry's.
- MARITAL_STATUS: our value becomes the registry's (normally applied by the sync itself).
- NEWBORN_NIK: the baby gets the NIK and name, if the NIK fits the birth date and sex.
Keeping ours needs a reason; for a death it undoes the death the sync applied. Either way the
discrepancy is decided for good: later syncs never reopen it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import User
from core.nik import validate_nik_matches
from families.models import FamilyCard, Relationship
from families.services import (
    family_address_set,
    family_member_leave,
    family_member_move,
    family_member_register,
)
from participants.locks import participants_lock
from participants.models import Cause, Participant
from participants.services import (
    REASON_MAX_LENGTH,
    RegistryFactChange,
    participant_retire_as_duplicate,
    participants_apply_registry_facts,
)

from ..client import RegistryClient, RegistryError
from ..models import Discrepancy, Kind
from .reconcile import participant_hold_refresh, store_hold_set
from .runs import RegistryUnavailableError, interactive_client


def _reason(text: str, *, field: str) -> str:
    text = (text or "").strip()
    if len(text) > REASON_MAX_LENGTH:
        message = _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH}
        raise ValidationFailed(message, fields={field: [message]})
    return text


def _lock_open(discrepancy: Discrepancy) -> Discrepancy:
    # Participants first, as the sync locks them (participants.locks): a decision that locked
    # the discrepancy first could wait for a sync chunk waiting for this very discrepancy.
    participant_ids = [discrepancy.participant_id] if discrepancy.participant_id else []
    if discrepancy.kind == Kind.DUPLICATE_NIK and discrepancy.detail.get("other_participant_id"):
        participant_ids.append(discrepancy.detail["other_participant_id"])
    participants_lock(ids=participant_ids)
    locked = (
        Discrepancy.objects.select_for_update(of=("self",))
        .select_related("participant", "family")
        .get(pk=discrepancy.pk)
    )
    if locked.status != Discrepancy.Status.OPEN:
        raise DomainError(
            _("This difference is already decided (%(status)s).")
            % {"status": locked.get_status_display()},
            code="ALREADY_DECIDED",
        )
    return locked


def _close(d: Discrepancy, *, status: str, actor: User | None, note: str) -> None:
    d.status = status
    d.resolved_at = timezone.now()
    d.resolved_by = actor if actor and actor.is_authenticated else None
    d.resolution_note = note[:255]
    d.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])


def _apply(
    *, participant: Participant, changes: dict[str, object], actor: User | None, reason: str
) -> None:
    """The participant's new facts plus the hold the remaining open differences call for,
    audited, with the status re-derived: all inside the caller's transaction."""
    participant.refresh_from_db()
    for field, value in changes.items():
        setattr(participant, field, value)
    all_changes, hold_set = participant_hold_refresh(participant=participant, extra=changes)
    if all_changes:
        participants_apply_registry_facts(
            changes=[
                RegistryFactChange(
                    participant_id=participant.pk, changes=all_changes, reason=reason
                )
            ],
            cause=Cause.STAFF_CORRECTION,
            actor=actor,
        )
    if hold_set is not None:
        store_hold_set(participant=participant, hold_set=hold_set, now=timezone.now())


def discrepancy_accept(
    *,
    discrepancy: Discrepancy,
    actor: User,
    note: str = "",
    nik: str | None = None,
    client: RegistryClient | None = None,
) -> Discrepancy:
    """Accept the registry's value (see the module docstring for each kind)."""
    note = _reason(note, field="note")
    kind = discrepancy.kind
    registry_card = None
    if kind == Kind.NIK_UNKNOWN:
        nik = _checked_nik(discrepancy=discrepancy, nik=nik, client=client)
    elif kind == Kind.MOVED_KK:
        registry_card = _ask(lambda c: c.family_card(discrepancy.key), client)
        if registry_card is None:
            raise DomainError(
                _("Dukcapil no longer lists KK %(kk)s; sync the family again.")
                % {"kk": discrepancy.key},
                code="REGISTRY_CHANGED",
            )
    if kind == Kind.NIK_DECEASED and not discrepancy.registry_value:
        raise DomainError(
            _(
                "Dukcapil reported the death without a date. Record the date of death from the "
                "death certificate in the participant's data; the next sync closes this row."
            ),
            code="DEATH_DATE_MISSING",
        )
    today = timezone.localdate()
    reason = f"Dukcapil: {discrepancy.get_kind_display()} accepted" + (f": {note}" if note else "")
    with transaction.atomic():
        d = _lock_open(discrepancy)
        p = d.participant
        if kind == Kind.NEW_KK_MEMBER:
            if p is not None or d.family is None:
                raise DomainError(_("Nothing to register."), code="NOTHING_TO_REGISTER")
            membership = _register(d=d, actor=actor, reason=reason, today=today)
            d.detail = {**d.detail, "registered_card_number": membership.participant.card_number}
            d.save(update_fields=["detail"])
            _close(d, status=Discrepancy.Status.ACCEPTED, actor=actor, note=note or reason)
            return d
        assert p is not None
        changes: dict[str, object] = {}
        if kind == Kind.NAME:
            changes["name"] = d.registry_value
        elif kind == Kind.BIRTH_DATE:
            changes["birth_date"] = dt.date.fromisoformat(d.registry_value)
        elif kind == Kind.SEX:
            changes["sex"] = d.registry_value
        elif kind == Kind.NIK_DECEASED:
            death = dt.date.fromisoformat(d.registry_value)
            if p.date_of_death != death:
                changes["date_of_death"] = death
        elif kind == Kind.NIK_UNKNOWN:
            changes["nik"] = nik
        elif kind == Kind.MARITAL_STATUS:
            changes["marital_status"] = d.registry_value
        elif kind == Kind.NEWBORN_NIK:
            changes["nik"] = d.key
            changes["name"] = str(d.detail.get("name") or p.name)[:120]
        elif kind == Kind.ADDRESS and d.family is not None:
            family_address_set(
                family=d.family, address=d.registry_value, actor=actor, reason=reason
            )
        elif kind == Kind.MOVED_KK:
            assert registry_card is not None
            relationship = d.detail.get("relationship") or Relationship.OTHER
            family_member_move(
                participant=p,
                to_number=registry_card.kk_number,
                relationship=relationship,
                address=registry_card.address,
                district_code=registry_card.district_code,
                on=today,
                actor=actor,
                reason=reason,
            )
        elif kind == Kind.DUPLICATE_NIK:
            changes.update(_merge_duplicate(d=d, keep=p, actor=actor, reason=reason, today=today))
        if "nik" in changes:
            # Only a new NIK is checked against birth date and sex: a birth date or sex the
            # registry corrects does not reissue the NIK, so they may disagree.
            _check_identity(p, changes)
        _close(d, status=Discrepancy.Status.ACCEPTED, actor=actor, note=note or reason)
        _apply(participant=p, changes=changes, actor=actor, reason=reason)
    return d


def discrepancy_keep(*, discrepancy: Discrepancy, actor: User, reason: str) -> Discrepancy:
    """Keep our value, with the reason (required). Later syncs never ask again about this
    registry value; a different one is a new question."""
    reason = _reason(reason, field="reason")
    if not reason:
        message = _("Give the reason for keeping our value.")
        raise ValidationFailed(message, fields={"reason": [message]})
    audit = f"Dukcapil: {discrepancy.get_kind_display()} kept: {reason}"
    with transaction.atomic():
        d = _lock_open(discrepancy)
        _close(d, status=Discrepancy.Status.KEPT, actor=actor, note=reason)
        p = d.participant
        if p is None:
            return d
        changes: dict[str, object] = {}
        if (
            d.kind == Kind.NIK_DECEASED
            and d.registry_value
            and p.date_of_death == dt.date.fromisoformat(d.registry_value)
        ):
            changes["date_of_death"] = None  # the death the sync applied is undone
        _apply(participant=p, changes=changes, actor=actor, reason=audit)
    return d


def new_member_offers_close(*, family: FamilyCard, participant: Participant, actor: User) -> int:
    """A member Dukcapil offered was registered into `family` (Tambah anggota keluarga, the
    one way a family adds a member): the offer with that NIK is accepted, so Info Peserta and
    later syncs stop offering it. Runs inside the caller's transaction; the participant is
    already locked (just created), the offer rows come after it (participants.locks)."""
    if not participant.nik:
        return 0
    offers = list(
        Discrepancy.objects.select_for_update()
        .filter(
            family=family,
            kind=Kind.NEW_KK_MEMBER,
            key=participant.nik,
            participant__isnull=True,
            status=Discrepancy.Status.OPEN,
        )
        .order_by("pk")
    )
    for d in offers:
        d.detail = {**d.detail, "registered_card_number": participant.card_number}
        d.save(update_fields=["detail"])
        _close(
            d,
            status=Discrepancy.Status.ACCEPTED,
            actor=actor,
            note="Registered through Tambah anggota keluarga",
        )
    return len(offers)


# --- helpers --------------------------------------------------------------------------------


def _ask(question, client: RegistryClient | None):  # type: ignore[no-untyped-def]
    own = client is None
    client = client or interactive_client()
    try:
        return question(client)
    except RegistryError as exc:
        raise RegistryUnavailableError(
            _("Dukcapil cannot be reached right now. Nothing was changed; try again later.")
        ) from exc
    finally:
        if own:
            client.close()


def _checked_nik(
    *, discrepancy: Discrepancy, nik: str | None, client: RegistryClient | None
) -> str:
    nik = (nik or "").strip()
    if not nik:
        message = _("Give the NIK from the KTP or KK: Dukcapil does not know the one we hold.")
        raise ValidationFailed(message, fields={"nik": [message]})
    person = _ask(lambda c: c.person(nik), client)
    if person is None:
        message = _("Dukcapil does not know this NIK either.")
        raise ValidationFailed(message, code="NIK_NOT_IN_REGISTRY", fields={"nik": [message]})
    return nik


def _check_identity(participant: Participant, changes: dict[str, object]) -> None:
    nik = str(changes.get("nik", participant.nik) or "")
    if not nik:
        return
    birth = changes.get("birth_date", participant.birth_date)
    sex = changes.get("sex", participant.sex)
    try:
        validate_nik_matches(
            nik,
            birth_date=birth,  # type: ignore[arg-type]
            is_female=sex == Participant.Sex.FEMALE,
        )
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"nik": exc.messages}) from exc
    if "nik" in changes and (
        Participant.objects.filter(nik=nik, retired_at__isnull=True)
        .exclude(pk=participant.pk)
        .exists()
    ):
        message = _("Another live participant already has this NIK: merge the records.")
        raise ValidationFailed(message, code="DUPLICATE_NIK", fields={"nik": [message]})


def _register(*, d: Discrepancy, actor: User, reason: str, today: dt.date):  # type: ignore[no-untyped-def]
    member = d.detail
    family: FamilyCard = d.family  # type: ignore[assignment]
    relationship = member.get("relationship") or Relationship.CHILD
    if relationship == Relationship.HEAD:
        relationship = Relationship.OTHER
    return family_member_register(
        family=family,
        nik=member["nik"],
        name=member["name"][:120],
        birth_place="",
        birth_date=dt.date.fromisoformat(member["birth_date"]),
        sex=member["sex"],
        relationship=relationship,
        on=today,
        actor=actor,
        reason=reason,
    )


def _merge_duplicate(
    *, d: Discrepancy, keep: Participant, actor: User, reason: str, today: dt.date
) -> dict[str, object]:
    other = Participant.objects.filter(
        pk=d.detail.get("other_participant_id"), retired_at__isnull=True
    ).first()
    if other is not None:
        family_member_leave(participant=other, on=today, actor=actor, reason=reason)
        participant_retire_as_duplicate(duplicate=other, keep=keep, actor=actor, reason=reason)
    return {"nik": d.key, "name": str(d.detail.get("name", keep.name))[:120]}
