"""The notification protocol: the channel's secrets and signature, the body's shape and its
checks, and the refusals they lead to (see the package docstring for the wire format)."""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed

from ...models import PaymentChannel

MAX_STORED_BODY = 16_384
# A delivery refused before its signature was checked may come from anyone: keep only this
# much of it, enough to recognise it when reconciling.
MAX_STORED_UNSIGNED_BODY = 1_024
TIMESTAMP = re.compile(r"[0-9]{1,12}")
# JKN started on 1 January 2014: no bank confirmed a JKN payment before; a bank's clock may
# run ahead of ours a little, never by days.
EARLIEST_PAID_AT = datetime(2014, 1, 1, tzinfo=UTC)
PAID_AT_AHEAD = timedelta(days=1)
MAX_AMOUNT = 2_000_000_000
TRANSACTION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
VIRTUAL_ACCOUNT = re.compile(r"^[0-9]{16}$")


class NotificationRefused(DomainError, code="NOTIFICATION_REFUSED", http_status=401):
    """Not from a channel we know, or not signed by it, or too old: 401."""


class UnknownVirtualAccount(DomainError, code="UNKNOWN_VIRTUAL_ACCOUNT", http_status=409): ...


class TransactionConflict(DomainError, code="TRANSACTION_CONFLICT", http_status=409): ...


@dataclass(frozen=True)
class NotificationBody:
    transaction_id: str
    virtual_account: str
    amount: int
    paid_at: datetime


def channel_secrets(channel: PaymentChannel) -> list[str]:
    """The environment (PAYMENT_CHANNEL_SECRETS) wins over the database. During a rotation it
    holds the new and the old secret, "CODE:new|old": either signature is accepted until the
    bank has switched (docs/operations.md); we sign with the first."""
    configured = settings.PAYMENT_CHANNEL_SECRETS.get(channel.code, "")
    return [s for s in configured.split("|") if s] or ([channel.secret] if channel.secret else [])


def channel_secret(channel: PaymentChannel) -> str:
    return next(iter(channel_secrets(channel)), "")


def sign(*, secret: str, timestamp: str, raw_body: bytes) -> str:
    message = timestamp.encode() + b"." + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _paid_at(value: object, now: datetime) -> datetime | None:
    """An aware date and time from JKN's start to a day ahead of us, else None."""
    if not isinstance(value, str):
        return None
    try:
        paid_at = parse_datetime(value)
    except ValueError:  # well formed but impossible, e.g. 30 February
        return None
    if paid_at is None or timezone.is_naive(paid_at):
        return None
    try:
        in_window = EARLIEST_PAID_AT <= paid_at <= now + PAID_AT_AHEAD
    except OverflowError:  # year 1 or 9999 with an offset: outside any window
        return None
    return paid_at if in_window else None


def parse_notification_body(raw_body: bytes, now: datetime | None = None) -> NotificationBody:
    """The body's shape; every problem is a field error (400)."""
    now = now or timezone.now()
    try:
        data = json.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        message = _("The body is not valid JSON.")
        raise ValidationFailed(message, fields={"body": [message]}) from None
    if not isinstance(data, dict):
        message = _("The body must be a JSON object.")
        raise ValidationFailed(message, fields={"body": [message]})
    errors: dict[str, list[str]] = {}
    tx = data.get("transaction_id")
    if not isinstance(tx, str) or not TRANSACTION_ID.fullmatch(tx):
        errors["transaction_id"] = [_("1 to 64 letters, digits or . _ : -")]
    va = data.get("virtual_account")
    if not isinstance(va, str) or not VIRTUAL_ACCOUNT.fullmatch(va):
        errors["virtual_account"] = [_("Exactly 16 digits, as a string.")]
    amount = data.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        errors["amount"] = [_("A whole number of rupiah from 1 to %(max)d.") % {"max": MAX_AMOUNT}]
    paid_at = _paid_at(data.get("paid_at"), now)
    if paid_at is None:
        errors["paid_at"] = [
            _("An ISO 8601 date and time with a UTC offset, from 2014 (the start of JKN) to now.")
        ]
    if errors:
        raise ValidationFailed(_("Some fields are invalid; see fields."), fields=errors)
    assert isinstance(tx, str) and isinstance(va, str) and isinstance(amount, int) and paid_at
    return NotificationBody(tx, va, amount, paid_at)
