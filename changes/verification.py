"""The seam between data changes and the accounts app (issue 9): which proof each change
needs (DESIGN.md 4.6), the one-time code, the PIN and the messages. Data changes use the
accounts' codes, PIN and message delivery; this module only says which and to whom."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from accounts.models import OneTimeCode
from accounts.services.codes import code_consume, code_issue
from accounts.services.pin import account_for, pin_verify
from core.errors import ValidationFailed
from core.models import User
from messaging.models import Channel
from messaging.services import message_queue

from .models import ChangeRequest, Kind

# DESIGN.md 4.6: what proves that the account holder asks for each change.
NEEDS_CODE = frozenset({Kind.SEGMENT, Kind.FKTP, Kind.PHONE, Kind.EMAIL})
NEEDS_PIN = frozenset({Kind.FKTP, Kind.CARE_CLASS, Kind.ADDRESS})


@dataclass(frozen=True)
class Challenge:
    needs_code: bool
    needs_pin: bool
    destination_masked: str = ""


def _code_destination(*, user: User, kind: str, new_email: str) -> tuple[str, str]:
    account = account_for(user)
    if kind == Kind.EMAIL:
        return Channel.EMAIL, new_email  # the new address proves it is the caller's
    if kind in (Kind.FKTP, Kind.PHONE):
        if not account.email:
            raise ValidationFailed(
                _("This change sends a code to your registered e-mail: register one first."),
                code="EMAIL_REQUIRED",
            )
        return Channel.EMAIL, account.email
    if account.email:
        return Channel.EMAIL, account.email
    if account.phone:
        return Channel.SMS, account.phone
    raise ValidationFailed(
        _("Register an e-mail or phone number for your account first."), code="CONTACT_REQUIRED"
    )


def challenge_start(*, request: ChangeRequest, user: User, new_email: str = "") -> Challenge:
    """Send the code the change needs (inside the caller's transaction: sent after commit)."""
    needs_code = request.kind in NEEDS_CODE
    masked = ""
    if needs_code:
        channel, destination = _code_destination(user=user, kind=request.kind, new_email=new_email)
        issued = code_issue(
            purpose=OneTimeCode.Purpose.DATA_CHANGE,
            participant=request.participant,
            channel=channel,
            destination=destination,
            user=user,
            payload={"change_request": str(request.pk)},
            language=account_for(user).language,
        )
        request.code_request_id = issued.request_id
        masked = issued.destination_masked
    return Challenge(needs_code, request.kind in NEEDS_PIN, masked)


def challenge_check(*, request: ChangeRequest, user: User, code: str, pin: str) -> None:
    """Check the PIN and use up the code. Must run outside the caller's transaction: a wrong
    try is counted (committed) even though the refusal is raised."""
    if request.kind in NEEDS_PIN:
        if not pin:
            raise ValidationFailed(_("Enter your PIN."), fields={"pin": [_("Enter your PIN.")]})
        pin_verify(user=user, pin=pin)
    if request.kind in NEEDS_CODE:
        if not code:
            raise ValidationFailed(
                _("Enter the code we sent."), fields={"code": [_("Enter the code we sent.")]}
            )
        code_consume(
            request_id=request.code_request_id,
            purpose=OneTimeCode.Purpose.DATA_CHANGE,
            code=code,
            user=user,
        )


def notify(*, request: ChangeRequest, event: str, text: str, event_id: str = "") -> None:
    """A message to the account holder for a change (requested, scheduled, in effect,
    cancelled, reversed), once per event."""
    user = request.requested_by
    account = account_for(user)
    if account.email:
        channel, destination = Channel.EMAIL, account.email
    elif account.phone:
        channel, destination = Channel.SMS, account.phone
    else:
        return
    message_queue(
        event_key=f"data-change:{request.pk}:{event}:{event_id}",
        channel=channel,
        destination=destination,
        template="data_change",
        context={"text": text},
        language=account.language,
        user=user,
        participant=request.participant,
    )
