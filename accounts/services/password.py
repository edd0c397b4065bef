"""Lupa Password: a code to the registered e-mail or phone, a new password, every session and
token ended (issue 9 point 4)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.models import User
from messaging.models import Channel
from messaging.services import message_queue
from participants.models import Participant

from ..models import Account, AccountAuditEntry, OneTimeCode
from ._common import audit, check_password_rules, password_subject
from .codes import IssuedCode, _find, code_consume, code_issue
from .sessions import sessions_revoke_all


def _destination(account: Account, channel: str) -> str:
    destination = account.email if channel == Channel.EMAIL else account.phone
    if not destination:
        raise ValidationFailed(
            _("No such contact is registered for this account."),
            fields={"channel": [str(_("Choose a registered contact."))]},
        )
    return destination


def password_reset_start(*, participant: Participant, channel: str) -> IssuedCode:
    user = participant.user
    account = getattr(user, "account", None)
    if user is None or account is None:
        raise ValidationFailed(_("This account has no registered contact."))
    return code_issue(
        purpose=OneTimeCode.Purpose.PASSWORD_RESET,
        participant=participant,
        channel=channel,
        destination=_destination(account, channel),
        user=user,
        payload={"language": account.language},
        language=account.language,
    )


def password_reset_complete(*, request_id: str, code: str, new_password: str) -> User:
    pending = _find(request_id=request_id, purpose=OneTimeCode.Purpose.PASSWORD_RESET, user=None)
    # The password is checked first: a weak one must not use up the code.
    check_password_rules(new_password, password_subject(pending.participant), field="new_password")
    otc = code_consume(request_id=request_id, purpose=OneTimeCode.Purpose.PASSWORD_RESET, code=code)
    with transaction.atomic():
        assert otc.user_id is not None  # reset codes are issued to an account
        user = User.objects.select_for_update().get(pk=otc.user_id)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        sessions_revoke_all(user=user)
        account = Account.objects.get(user=user)
        audit(account=account, action=AccountAuditEntry.Action.PASSWORD_RESET, actor=user)
        message_queue(
            event_key=f"password-changed:{otc.id}",
            channel=otc.channel,
            destination=otc.destination,
            template="password_changed",
            context={},
            language=account.language,
            user=user,
            participant=otc.participant,
        )
    return user
