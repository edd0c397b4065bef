"""Every write to participants: business rules as small keyword-only functions.

Changes a participant can see run in a transaction, take the acting user and leave an audit
record (django-simple-history rows with a change reason, StatusChange rows for status)."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.models import User
from core.nik import validate_nik_matches

from .models import Cause, Participant, StatusChange
from .status import derive_status

# Fields branch staff may correct through `participant_correct`. Status facts that payments
# and the Dukcapil sync own (paid_through, reactivation) are deliberately not among them.
CORRECTABLE_FIELDS = frozenset(
    {
        "nik",
        "name",
        "birth_place",
        "birth_date",
        "sex",
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
    result = derive_status(participant, on=on)
    unchanged = (participant.status, participant.status_reason) == (result.status, result.reason)
    # The first derivation is recorded too: the history then starts at registration.
    if unchanged and participant.status_changed_at is not None:
        return None
    now = timezone.now()
    change = StatusChange(
        participant=participant,
        changed_at=now,
        old_status=participant.status if participant.status_changed_at else "",
        old_reason=participant.status_reason if participant.status_changed_at else "",
        status=result.status,
        reason=result.reason,
        cause=cause,
        note=note[:255],
        actor=actor,
    )
    with transaction.atomic():
        Participant.objects.filter(pk=participant.pk).update(
            status=result.status, status_reason=result.reason, status_changed_at=now
        )
        change.save()
    participant.status = result.status
    participant.status_reason = result.reason
    participant.status_changed_at = now
    return change


def participants_refresh_statuses(
    *, participant_ids: Sequence[int], cause: str, on: date | None = None
) -> int:
    """Set-based refresh for jobs: one read, one bulk update and one bulk insert per chunk.
    Idempotent: a participant whose status did not change is not touched."""
    on = on or _today()
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Participant.objects.select_related("segment")
            .select_for_update(of=("self",))
            .filter(pk__in=participant_ids)
        )
        changed: list[Participant] = []
        history: list[StatusChange] = []
        for p in rows:
            result = derive_status(p, on=on)
            unchanged = (p.status, p.status_reason) == (result.status, result.reason)
            if unchanged and p.status_changed_at is not None:
                continue
            history.append(
                StatusChange(
                    participant=p,
                    changed_at=now,
                    old_status=p.status if p.status_changed_at else "",
                    old_reason=p.status_reason if p.status_changed_at else "",
                    status=result.status,
                    reason=result.reason,
                    cause=cause,
                )
            )
            p.status, p.status_reason, p.status_changed_at = result.status, result.reason, now
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
        locked = (
            Participant.objects.select_for_update().select_related("segment").get(pk=participant.pk)
        )
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
