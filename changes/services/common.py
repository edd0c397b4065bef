"""What every request shares: the refusal error, the caller's family, the request and its
PENDING rows with the code sent."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import User
from families.models import FamilyCard
from participants.models import Participant

from .. import verification
from ..models import ChangeRequest, DataChange
from ..rules import (
    Refusal,
)
from ..selectors import caller_family


class ChangeRefused(DomainError):
    """A rule of DESIGN.md 4.6 refused the change; the message names it and, where waiting
    helps, the day it becomes possible."""

    http_status = 409

    def __init__(self, refusal: Refusal, *, member: Participant | None = None) -> None:
        message = refusal.message
        if member is not None:
            message = f"{member.name}: {message}"
        super().__init__(message, code=refusal.code)
        self.possible_from = refusal.possible_from


class NotFound(DomainError):
    http_status = 404


@dataclass(frozen=True)
class Requested:
    request: ChangeRequest
    changes: list[DataChange]
    challenge: verification.Challenge
    # Whole-family requests: members a rule leaves out (the others go ahead), with the rule.
    skipped: list[tuple[Participant, Refusal]] = field(default_factory=list)


def today() -> date:
    return timezone.localdate()


def caller_family_or_404(user: User) -> tuple[Participant, FamilyCard, list[Participant]]:
    caller = caller_family(user=user)
    if caller is None:
        raise NotFound(_("No current family card for this account."), code="NO_FAMILY")
    return caller.participant, caller.family, caller.members


def family_member(members: list[Participant], card_number: str) -> Participant:
    for m in members:
        if m.card_number == card_number:
            return m
    # Another family's card answers like one that does not exist.
    raise ValidationFailed(
        _("No member with this card number in your family."),
        fields={"card_number": [_("Not a member of your family.")]},
    )


def _open_scheduled(members: list[Participant], kind: str) -> None:
    scheduled = (
        DataChange.objects.filter(
            participant__in=members, kind=kind, state=DataChange.State.SCHEDULED
        )
        .select_related("participant")
        .first()
    )
    if scheduled:
        raise DomainError(
            _("%(name)s already has a scheduled %(kind)s change from %(date)s: cancel it first.")
            % {
                "name": scheduled.participant.name,
                "kind": scheduled.get_kind_display(),
                "date": scheduled.effective_on.strftime("%d-%m-%Y"),
            },
            code="CHANGE_ALREADY_SCHEDULED",
        )


def request_create(
    *,
    user: User,
    participant: Participant,
    kind: str,
    rows: list[tuple[Participant, dict, dict, str, str]],
    effective_on: date,
    reason: str = "",
    new_email: str = "",
) -> Requested:
    """The request, one PENDING change per member, the code sent; earlier unconfirmed
    requests of the same kind for these members are abandoned (their code stops mattering)."""
    members = [r[0] for r in rows]
    _open_scheduled(members, kind)
    stale = DataChange.objects.filter(
        participant__in=members, kind=kind, state=DataChange.State.PENDING
    )
    ChangeRequest.objects.filter(pk__in=stale.values("request_id")).update(
        state=ChangeRequest.State.ABANDONED
    )
    stale.update(state=DataChange.State.CANCELLED, cancelled_at=timezone.now())
    request = ChangeRequest.objects.create(
        kind=kind, requested_by=user, participant=participant, reason=reason[:200]
    )
    changes = [
        DataChange.objects.create(
            request=request,
            participant=member,
            kind=kind,
            old_value=old,
            new_value=new,
            old_label=old_label[:255],
            new_label=new_label[:255],
            effective_on=effective_on,
        )
        for member, old, new, old_label, new_label in rows
    ]
    challenge = verification.challenge_start(request=request, user=user, new_email=new_email)
    request.save(update_fields=["code_request_id"])
    return Requested(request, changes, challenge)
