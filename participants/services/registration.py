"""A new participant with a newly issued card number, and the login of one who signs up."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import User
from core.nik import validate_nik_matches

from ..models import Cause, Participant
from .refresh import REASON_MAX_LENGTH, participant_refresh_status

# Cards issued by the portal itself (demo data uses 0001..., synthetic data 9...).
ISSUED_CARD_PREFIX = "0002"


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


def participant_link_user(*, participant: Participant, user: User) -> Participant:
    """Give a participant their login (self-service account creation, issue 9). Refuses a
    participant that already has one, so two parallel sign-ups cannot both win."""
    with transaction.atomic():
        linked = Participant.objects.filter(pk=participant.pk, user__isnull=True).update(user=user)
        if not linked:
            raise DomainError(_("This participant already has an account."), code="ACCOUNT_EXISTS")
    participant.user = user
    return participant
