"""Signed payment notifications from banks and payment channels, the simulated bank of the
embedded default, and the staff match of a notification whose VA was unknown.

Protocol (also in the API schema and the README):
- headers `X-Channel-Id` (the channel's code), `X-Timestamp` (Unix time, seconds) and
  `X-Signature`: hex HMAC-SHA256 with the channel's secret over `<timestamp>.<raw body>`;
- body: JSON `{"transaction_id", "virtual_account", "amount", "paid_at"}`, amount in whole
  rupiah, paid_at ISO 8601 with a UTC offset.
Every delivery is stored before it is checked, and keeps its outcome: refused ones wait there
for reconciliation. The channel's transaction id is the idempotency key: the same
notification, sent again or many times at once, credits once and gets the same answer."""

import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError, ValidationFailed
from core.models import User
from families.models import FamilyCard

from ..models import Payment, PaymentChannel, PaymentNotification
from .settlement import family_settle

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
SIMULATION_CHANNEL = "SIMULASI"


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


def _text(value: str, limit: int) -> str:
    """As much of `value` as the column keeps; NUL, which PostgreSQL text refuses, shown as
    the replacement character."""
    return value[:limit].replace("\x00", "\ufffd")


def _stored_body(raw_body: bytes, limit: int = MAX_STORED_BODY) -> str:
    return _text(raw_body[:limit].decode("utf-8", errors="replace"), limit)


def _refuse(notification: PaymentNotification, outcome: str, code: str) -> None:
    PaymentNotification.objects.filter(pk=notification.pk).update(
        outcome=outcome,
        error_code=code,
        body=notification.body,
        channel=notification.channel,
        signature_valid=notification.signature_valid,
        transaction_id=notification.transaction_id,
        virtual_account=notification.virtual_account,
        amount=notification.amount,
        paid_at=notification.paid_at,
    )


def notification_receive(
    *,
    channel_code: str,
    timestamp: str,
    signature: str,
    raw_body: bytes,
    now: datetime | None = None,
) -> Payment:
    """Check one delivery and credit its payment once. Returns the payment (the same one for
    a repeated notification). Raises NotificationRefused (401), ValidationFailed (400),
    UnknownVirtualAccount or TransactionConflict (409); the delivery is stored either way."""
    now = now or timezone.now()
    notification = PaymentNotification.objects.create(
        received_at=now,
        channel_code=_text(channel_code, 40),
        timestamp_header=_text(timestamp, 40),
        body=_stored_body(raw_body, MAX_STORED_UNSIGNED_BODY),
    )
    outcome = PaymentNotification.Outcome.REJECTED
    try:
        # The stored (sanitized) code: PostgreSQL refuses a NUL even in a query.
        channel = PaymentChannel.objects.filter(
            code=notification.channel_code, is_active=True
        ).first()
        secrets_now = channel_secrets(channel) if channel else []
        if channel is None or not secrets_now:
            raise NotificationRefused(
                gettext_lazy("Unknown or inactive payment channel."), code="UNKNOWN_CHANNEL"
            )
        notification.channel = channel
        # ASCII digits only (str.isdigit also takes "²"), and short enough to be a time.
        if not TIMESTAMP.fullmatch(timestamp):
            outcome = PaymentNotification.Outcome.MALFORMED
            message = _("Send the Unix time in seconds.")
            raise ValidationFailed(message, fields={"X-Timestamp": [message]})
        given = signature.strip().lower().encode("utf-8", errors="replace")
        # Every secret is checked (no early exit), so timing does not tell which one matched.
        matches = [
            hmac.compare_digest(
                sign(secret=secret, timestamp=timestamp, raw_body=raw_body).encode(), given
            )
            for secret in secrets_now
        ]
        if not any(matches):
            raise NotificationRefused(
                gettext_lazy("The signature does not match the body and timestamp."),
                code="BAD_SIGNATURE",
            )
        notification.signature_valid = True
        notification.body = _stored_body(raw_body)
        age = abs(now.timestamp() - int(timestamp))
        if age > settings.PAYMENT_NOTIFICATION_MAX_AGE_SECONDS:
            raise NotificationRefused(
                gettext_lazy(
                    "The timestamp is more than %(s)d seconds away from our clock: sign the "
                    "notification again with the current time."
                )
                % {"s": settings.PAYMENT_NOTIFICATION_MAX_AGE_SECONDS},
                code="TIMESTAMP_EXPIRED",
            )
        outcome = PaymentNotification.Outcome.MALFORMED
        body = parse_notification_body(raw_body, now)
        notification.transaction_id = body.transaction_id
        notification.virtual_account = body.virtual_account
        notification.amount = body.amount
        notification.paid_at = body.paid_at
        family = FamilyCard.objects.filter(virtual_account=body.virtual_account).first()
        if family is None:
            outcome = PaymentNotification.Outcome.UNMATCHED
            message = _("No family has this virtual account; kept for reconciliation.")
            raise UnknownVirtualAccount(message, fields={"virtual_account": [message]})
        outcome = PaymentNotification.Outcome.CONFLICT
        payment, created = payment_credit(
            channel=channel,
            transaction_id=body.transaction_id,
            family=family,
            virtual_account=body.virtual_account,
            amount=body.amount,
            paid_at=body.paid_at,
            on=timezone.localdate(now),
        )
    except DomainError as exc:
        _refuse(notification, outcome, exc.code)
        raise
    except Exception:
        # A bug or an outage: the delivery must not stay RECEIVED; the bank sends it again.
        _refuse(notification, PaymentNotification.Outcome.FAILED, "INTERNAL_ERROR")
        raise
    PaymentNotification.objects.filter(pk=notification.pk).update(
        outcome=(
            PaymentNotification.Outcome.ACCEPTED
            if created
            else PaymentNotification.Outcome.DUPLICATE
        ),
        channel=channel,
        signature_valid=True,
        body=notification.body,
        transaction_id=body.transaction_id,
        virtual_account=body.virtual_account,
        amount=body.amount,
        paid_at=body.paid_at,
        payment=payment,
    )
    return payment


def payment_credit(
    *,
    channel: PaymentChannel,
    transaction_id: str,
    family: FamilyCard,
    virtual_account: str,
    amount: int,
    paid_at: datetime,
    on: date,
    matched_by: User | None = None,
) -> tuple[Payment, bool]:
    """Credit a confirmed payment once per (channel, transaction id) and settle the family's
    bills if its credit now covers them. Returns (payment, created).

    Idempotent by the unique key: a second delivery, even one racing the first, fails the
    insert, waits for the first to commit, and returns the same payment. The same transaction
    id with another amount or family is a TransactionConflict."""
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                channel=channel,
                transaction_id=transaction_id,
                family=family,
                virtual_account=virtual_account,
                amount=amount,
                paid_at=paid_at,
                credited_at=timezone.now(),
                result=Payment.Result.CREDIT,
                matched_by=matched_by,
            )
            locked = FamilyCard.objects.select_for_update().get(pk=family.pk)
            settlement = family_settle(family=locked, on=on, payment=payment)
            if settlement.reactivation is not None:
                payment.result = Payment.Result.SETTLED
            elif settlement.needed:
                payment.result = Payment.Result.PARTIAL
            payment.remaining_after = settlement.remaining
            payment.save(update_fields=["result", "remaining_after", "allocated_amount"])
            return payment, True
    except IntegrityError:
        existing = Payment.objects.filter(channel=channel, transaction_id=transaction_id).first()
        if existing is None:
            raise  # another invariant broke: a bug, not a duplicate
    if (existing.family_id, existing.amount) != (family.pk, amount):
        raise TransactionConflict(
            gettext_lazy(
                "This transaction id was already credited with another amount or virtual account."
            ),
            fields={"transaction_id": [_("Already used for another payment.")]},
        )
    return existing, False


# --- the simulated bank of the embedded default ------------------------------------------------


def simulation_channel() -> PaymentChannel:
    """The channel behind "Bayar (simulasi)", with a random secret made on first use."""
    channel, _created = PaymentChannel.objects.get_or_create(
        code=SIMULATION_CHANNEL,
        defaults={
            "name": "Simulasi (tanpa uang sungguhan)",
            "is_simulation": True,
            "secret": secrets.token_hex(32),
        },
    )
    if not channel_secret(channel):
        channel.secret = secrets.token_hex(32)
        channel.save(update_fields=["secret"])
    return channel


def payment_simulate(
    *, family: FamilyCard, actor: User, amount: int, now: datetime | None = None
) -> Payment:
    """Pay `amount` to the family's VA as a bank would: a notification signed with the
    simulation channel's secret, through `notification_receive`. Embedded default only."""
    if not settings.PAYMENT_SIMULATION:
        raise DomainError(
            gettext_lazy("Simulated payments are switched off on this server."),
            code="SIMULATION_DISABLED",
        )
    if amount <= 0:
        raise DomainError(gettext_lazy("There is nothing to pay."), code="NOTHING_TO_PAY")
    now = now or timezone.now()
    channel = simulation_channel()
    raw_body = json.dumps(
        {
            "transaction_id": f"SIM-{actor.pk}-{uuid.uuid4().hex[:20]}",
            "virtual_account": family.virtual_account,
            "amount": amount,
            "paid_at": timezone.localtime(now).isoformat(timespec="seconds"),
        },
        separators=(",", ":"),
    ).encode()
    timestamp = str(int(now.timestamp()))
    return notification_receive(
        channel_code=channel.code,
        timestamp=timestamp,
        signature=sign(secret=channel_secret(channel), timestamp=timestamp, raw_body=raw_body),
        raw_body=raw_body,
        now=now,
    )


# --- staff: reconciliation ----------------------------------------------------------------------


def notification_match(
    *,
    notification: PaymentNotification,
    family: FamilyCard,
    actor: User,
    reason: str,
) -> Payment:
    """Credit an authentic notification whose VA matched no family to `family` (staff chose it
    after checking with the bank). Audited: who, when and why, on the notification's history.
    The caller checks that the family is in the staff member's branch."""
    reason = (reason or "").strip()
    if not reason:
        message = _("A reason is required to match a payment.")
        raise ValidationFailed(message, fields={"reason": [message]})
    with transaction.atomic():
        locked = PaymentNotification.objects.select_for_update().get(pk=notification.pk)
        if (
            locked.outcome != PaymentNotification.Outcome.UNMATCHED
            or not locked.signature_valid
            or locked.channel is None
            or not locked.amount
            or locked.paid_at is None
        ):
            raise DomainError(
                gettext_lazy(
                    "Only a signed notification with an unknown virtual account can be matched."
                ),
                code="NOT_MATCHABLE",
            )
        payment, _created = payment_credit(
            channel=locked.channel,
            transaction_id=locked.transaction_id,
            family=family,
            virtual_account=family.virtual_account,
            amount=int(locked.amount),
            paid_at=locked.paid_at,
            on=timezone.localdate(),
            matched_by=actor,
        )
        locked.outcome = PaymentNotification.Outcome.MATCHED
        locked.payment = payment
        locked.resolved_at = timezone.now()
        locked.resolved_by = actor
        locked.resolution_note = reason[:255]
        # django-simple-history writes the audit row with who and why.
        locked._change_reason = reason[:100]  # type: ignore[attr-defined]
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save()
    return payment
