"""The 6-digit PIN that data changes will ask for (issue 9 point 5): stored hashed, locked for
ACCOUNTS_PIN_LOCK_MINUTES after ACCOUNTS_PIN_MAX_FAILURES wrong entries in a row."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ValidationFailed
from core.models import User

from ..errors import PinLocked, WrongPassword, WrongPin
from ..models import Account, AccountAuditEntry, OneTimeCode
from ._common import audit
from .codes import IssuedCode, code_consume, code_issue

_TRIVIAL = {"123456", "654321", "012345", "543210", "123123", "112233"}


def _check_pin_shape(pin: str, field: str = "pin") -> None:
    if not (len(pin) == 6 and pin.isdigit()):
        raise ValidationFailed(
            _("The PIN is 6 digits."), fields={field: [str(_("Enter 6 digits."))]}
        )
    if len(set(pin)) == 1 or pin in _TRIVIAL:
        raise ValidationFailed(
            _("This PIN is too easy to guess."),
            fields={field: [str(_("Choose a less obvious PIN."))]},
        )


def account_for(user: User) -> Account:
    account, _created = Account.objects.get_or_create(
        user=user, defaults={"email": user.email, "email_key": user.email.strip().lower()}
    )
    return account


def account_needs_pin(*, user: User) -> bool:
    """A participant whose self-service account has no PIN yet."""
    return Account.objects.filter(user=user, pin_hash="", user__role=User.Role.PARTICIPANT).exists()


def pin_set(*, user: User, pin: str) -> Account:
    """The first PIN, after the first login. Changing it later needs password + code."""
    _check_pin_shape(pin)
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_for(user).pk)
        if account.pin_hash:
            raise DomainError(
                _("A PIN is already set. Change it with your password and a code."),
                code="PIN_ALREADY_SET",
            )
        account.pin_hash = make_password(pin)
        account.save(update_fields=["pin_hash"])
        audit(account=account, action=AccountAuditEntry.Action.PIN_SET, actor=user)
    return account


def _locked_error(until: datetime) -> PinLocked:
    local = formats.date_format(timezone.localtime(until), "H:i")
    return PinLocked(
        _("Too many wrong PINs. PIN use is locked until %(t)s.") % {"t": local},
        retry_after=max(int((until - timezone.now()).total_seconds()), 1),
    )


def pin_verify(*, user: User, pin: str) -> None:
    """Raises WrongPin / PinLocked; a wrong PIN counts even though the error is raised
    (the count is committed before raising)."""
    now = timezone.now()
    refusal: DomainError
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account_for(user).pk)
        if account.pin_locked_until and account.pin_locked_until > now:
            refusal = _locked_error(account.pin_locked_until)
        elif not account.pin_hash:
            refusal = DomainError(_("Set your PIN first."), code="PIN_NOT_SET")
        elif check_password(pin, account.pin_hash):
            if account.pin_failures:
                account.pin_failures = 0
                account.save(update_fields=["pin_failures"])
            return
        else:
            account.pin_failures += 1
            if account.pin_failures >= settings.ACCOUNTS_PIN_MAX_FAILURES:
                account.pin_failures = 0
                account.pin_locked_until = now + timedelta(
                    minutes=settings.ACCOUNTS_PIN_LOCK_MINUTES
                )
                audit(account=account, action=AccountAuditEntry.Action.PIN_LOCKED)
                refusal = _locked_error(account.pin_locked_until)
            else:
                left = settings.ACCOUNTS_PIN_MAX_FAILURES - account.pin_failures
                refusal = WrongPin(
                    _("Wrong PIN. %(n)d tries left before PIN use is locked.") % {"n": left},
                    fields={"pin": [str(_("Wrong PIN."))]},
                )
            account.save(update_fields=["pin_failures", "pin_locked_until"])
    raise refusal


def pin_change_start(*, user: User, password: str, channel: str) -> IssuedCode:
    if not user.check_password(password):
        raise WrongPassword(_("Wrong password."), fields={"password": [str(_("Wrong password."))]})
    account = account_for(user)
    destination = account.email if channel == "EMAIL" else account.phone
    if not destination:
        raise ValidationFailed(
            _("No such contact is registered for this account."),
            fields={"channel": [str(_("Choose a registered contact."))]},
        )
    return code_issue(
        purpose=OneTimeCode.Purpose.PIN_CHANGE,
        participant=user.participant,
        channel=channel,
        destination=destination,
        user=user,
        language=account.language,
    )


def pin_change_complete(*, user: User, request_id: str, code: str, new_pin: str) -> Account:
    _check_pin_shape(new_pin, field="new_pin")
    code_consume(
        request_id=request_id, purpose=OneTimeCode.Purpose.PIN_CHANGE, code=code, user=user
    )
    with transaction.atomic():
        account = Account.objects.select_for_update().get(user=user)
        account.pin_hash = make_password(new_pin)
        # Password and a fresh code proved who this is: a PIN lock ends with the new PIN.
        account.pin_failures = 0
        account.pin_locked_until = None
        account.save(update_fields=["pin_hash", "pin_failures", "pin_locked_until"])
        audit(account=account, action=AccountAuditEntry.Action.PIN_CHANGED, actor=user)
    return account
