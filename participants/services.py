"""Every write to participants: business rules as small keyword-only functions.

Changes a participant can see run in a transaction, take the acting user and leave an audit
record (django-simple-history rows with a change reason, StatusChange rows for status)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from core.errors import DomainError, ValidationFailed
from core.models import User
from core.nik import validate_nik_matches

from .locks import participant_lock, participants_lock
from .models import Cause, Participant, RegistryHold, StatusChange
from .status import arrears_months, derive_status

# Fields branch staff may correct through `participant_correct`. Status facts that payments
# and the Dukcapil sync own (paid_through, reactivation) are deliberately not among them.
CORRECTABLE_FIELDS = frozenset(
    {
        "nik",
        "birth_certificate_number",
        "name",
        "birth_place",
        "birth_date",
        "sex",
        "marital_status",
        "in_formal_education",
        "phone",
        "email",
        "segment",
        "care_class",
        "fktp",
        "salary",
        "coverage_start",
        "coverage_end",
        "coverage_end_reason",
        "date_of_death",
        "registry_hold",
        "hold_note",
    }
)


# django-simple-history stores the change reason in a 100-character column.
REASON_MAX_LENGTH = 100


def _today() -> date:
    return timezone.localdate()


def _derive_change(
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
    on = on or _today()
    now = timezone.now()
    change = _derive_change(participant, on=on, now=now, cause=cause, note=note)
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
    on = on or _today()
    now = timezone.now()
    with transaction.atomic():
        rows = participants_lock(ids=participant_ids)
        changed: list[Participant] = []
        history: list[StatusChange] = []
        for p in rows:
            change = _derive_change(p, on=on, now=now, cause=cause)
            if change is not None:
                history.append(change)
                changed.append(p)
        if changed:
            Participant.objects.bulk_update(
                changed, ["status", "status_reason", "status_changed_at"], batch_size=1000
            )
            StatusChange.objects.bulk_create(history, batch_size=1000)
    return len(changed)


def participant_correct(
    *, participant: Participant, actor: User, reason: str, changes: dict[str, Any]
) -> Participant:
    """A staff correction of participant data: audited with the reason, status re-derived.

    Raises ValidationFailed (field errors) for a field that may not be corrected here or for a
    NIK that does not fit the birth date and sex."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A reason is required for every correction."),
            fields={"change_reason": [_("A reason is required for every correction.")]},
        )
    if len(reason) > REASON_MAX_LENGTH:
        message = _("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH}
        raise ValidationFailed(message, fields={"change_reason": [message]})
    unknown = set(changes) - CORRECTABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be corrected here: %(f)s") % {"f": ", ".join(sorted(unknown))},
            fields={f: [_("Not correctable here.")] for f in sorted(unknown)},
        )
    with transaction.atomic():
        locked = participant_lock(participant_id=participant.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        if locked.nik:
            try:
                validate_nik_matches(
                    locked.nik,
                    birth_date=locked.birth_date,
                    is_female=locked.sex == Participant.Sex.FEMALE,
                )
            except ValidationError as exc:
                raise ValidationFailed(exc.messages[0], fields={"nik": exc.messages}) from exc
        if (
            locked.nik
            and Participant.objects.filter(nik=locked.nik, retired_at__isnull=True)
            .exclude(pk=locked.pk)
            .exists()
        ):
            message = _("Another live participant already has this NIK: merge the records.")
            raise ValidationFailed(message, code="DUPLICATE_NIK", fields={"nik": [message]})
        if not locked.registry_hold:
            locked.hold_note = ""
        # django-simple-history writes the field-level audit row with who and why.
        locked._change_reason = reason  # type: ignore[attr-defined]
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save()
        participant_refresh_status(
            participant=locked, cause=Cause.STAFF_CORRECTION, actor=actor, note=reason
        )
    return locked


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
    on = on or _today()
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
            change = _derive_change(p, on=on, now=now, cause=Cause.PAYMENT, note=facts.note)
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


# --- Facts from the Dukcapil registry (called by dukcapil_sync; this app never imports it) ---

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
# Cards issued by the portal itself (demo data uses 0001..., synthetic data 9...).
ISSUED_CARD_PREFIX = "0002"


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


def _next_card_number() -> str:
    last = (
        Participant.objects.filter(card_number__startswith=ISSUED_CARD_PREFIX)
        .order_by("-card_number")
        .values_list("card_number", flat=True)
        .first()
    )
    serial = int(last[len(ISSUED_CARD_PREFIX) :]) + 1 if last else 1
    return f"{ISSUED_CARD_PREFIX}{serial:09d}"


def participant_register(
    *,
    nik: str | None,
    name: str,
    birth_place: str,
    birth_date: date,
    sex: str,
    segment_id: str,
    care_class: int,
    fktp_id: int,
    branch_id: int,
    coverage_start: date,
    paid_through: date | None,
    actor: User | None,
    reason: str,
    birth_certificate_number: str = "",
) -> Participant:
    """Create a participant with a newly issued card number (never reused: the highest
    issued one plus one, retried if another registration took it meanwhile)."""
    if nik:
        try:
            validate_nik_matches(
                nik, birth_date=birth_date, is_female=sex == Participant.Sex.FEMALE
            )
        except ValidationError as exc:
            raise ValidationFailed(exc.messages[0], fields={"nik": exc.messages}) from exc
        if Participant.objects.filter(nik=nik, retired_at__isnull=True).exists():
            message = _("Another live participant already has this NIK: merge the records.")
            raise ValidationFailed(message, code="DUPLICATE_NIK", fields={"nik": [message]})
    for _attempt in range(5):
        participant = Participant(
            card_number=_next_card_number(),
            nik=nik,
            birth_certificate_number=birth_certificate_number.strip()[:40],
            name=name,
            birth_place=birth_place[:60],
            birth_date=birth_date,
            sex=sex,
            segment_id=segment_id,
            care_class=care_class,
            fktp_id=fktp_id,
            branch_id=branch_id,
            coverage_start=coverage_start,
            paid_through=paid_through,
        )
        participant._change_reason = reason[:REASON_MAX_LENGTH]  # type: ignore[attr-defined]
        participant._history_user = actor  # type: ignore[attr-defined]
        try:
            with transaction.atomic():
                participant.save()
        except IntegrityError:
            if Participant.objects.filter(card_number=participant.card_number).exists():
                continue  # another registration took the number: take the next one
            raise
        participant_refresh_status(
            participant=participant, cause=Cause.REGISTRATION, actor=actor, note=reason
        )
        return participant
    raise DomainError(_("Could not issue a card number; try again."), code="CARD_NUMBER_BUSY")


def participant_retire_as_duplicate(
    *, duplicate: Participant, keep: Participant, actor: User | None, reason: str
) -> Participant:
    """Retire a duplicate record in favour of `keep` (the NIK then belongs to `keep`). The
    retired record keeps its history; its card number is never reused."""
    if duplicate.pk == keep.pk:
        raise DomainError(_("A record cannot be merged into itself."), code="MERGE_SELF")
    with transaction.atomic():
        locked = participant_lock(participant_id=duplicate.pk)
        if locked.retired_at is not None:
            raise DomainError(_("This record is already retired."), code="ALREADY_RETIRED")
        locked.retired_at = timezone.now()
        locked.merged_into = keep
        locked.registry_hold = RegistryHold.DUPLICATE_NIK
        locked.hold_note = _("Merged into card %(card)s.") % {"card": keep.card_number}
        locked._change_reason = reason[:REASON_MAX_LENGTH]  # type: ignore[attr-defined]
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save()
        participant_refresh_status(
            participant=locked, cause=Cause.STAFF_CORRECTION, actor=actor, note=reason
        )
    return locked


def participant_link_user(*, participant: Participant, user: User) -> Participant:
    """Give a participant their login (self-service account creation, issue 9). Refuses a
    participant that already has one, so two parallel sign-ups cannot both win."""
    with transaction.atomic():
        linked = Participant.objects.filter(pk=participant.pk, user__isnull=True).update(user=user)
        if not linked:
            raise DomainError(_("This participant already has an account."), code="ACCOUNT_EXISTS")
    participant.user = user
    return participant
