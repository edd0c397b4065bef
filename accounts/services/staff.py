"""Branch staff tools on a participant's account: unlock, send a password-reset message.
Each needs a reason and leaves an audit row; staff never see a password, code or PIN."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from core.models import User
from messaging.models import Channel
from messaging.services import message_queue

from ..models import Account, AccountAuditEntry
from ._common import audit


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("A reason is required."), fields={"reason": [str(_("A reason is required."))]}
        )
    return reason


def account_is_login_locked(*, account: Account) -> bool:
    from axes.models import AccessAttempt
    from django.utils import timezone

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        username=account.user.username,
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since,
    ).exists()


def account_unlock(*, account: Account, actor: User, reason: str) -> Account:
    """Clears the login lockout for the account's username and any PIN lock."""
    from axes.utils import reset

    reason = _require_reason(reason)
    with transaction.atomic():
        reset(username=account.user.username)
        Account.objects.filter(pk=account.pk).update(pin_failures=0, pin_locked_until=None)
        audit(
            account=account,
            action=AccountAuditEntry.Action.STAFF_UNLOCK,
            actor=actor,
            reason=reason,
        )
    account.refresh_from_db()
    return account


def account_send_password_reset(*, account: Account, actor: User, reason: str) -> AccountAuditEntry:
    """Sends the participant a message pointing to Lupa Password on their registered contact
    (e-mail if verified or present, else SMS). Staff choose nothing about the code."""
    reason = _require_reason(reason)
    if account.email:
        channel, destination = Channel.EMAIL, account.email
    elif account.phone:
        channel, destination = Channel.SMS, account.phone
    else:
        raise ValidationFailed(_("This account has no registered e-mail or phone."))
    with transaction.atomic():
        entry = audit(
            account=account,
            action=AccountAuditEntry.Action.STAFF_RESET_SENT,
            actor=actor,
            reason=reason,
        )
        participant = getattr(account.user, "participant", None)
        message_queue(
            event_key=f"staff-reset:{entry.pk}",
            channel=channel,
            destination=destination,
            template="password_reset_by_staff",
            context={
                "branch": actor.branch.name if actor.branch else "BPJS Kesehatan",
                "url": settings.PORTAL_BASE_URL.rstrip("/") + "/lupa-password/",
            },
            language=account.language,
            user=account.user,
            participant=participant,
        )
    return entry
