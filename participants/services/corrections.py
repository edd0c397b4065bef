"""Staff corrections of participant data and retiring a duplicate record: audited with the
reason, the status re-derived."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import User
from core.nik import validate_nik_matches

from ..locks import participant_lock
from ..models import Cause, Participant, RegistryHold
from .refresh import REASON_MAX_LENGTH, participant_refresh_status

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
