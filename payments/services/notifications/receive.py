"""One delivery: stored before it is checked, checked, and its payment credited once (the
channel's transaction id is the idempotency key)."""

import hmac
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError, ValidationFailed
from core.models import User
from families.models import FamilyCard

from ...models import Payment, PaymentChannel, PaymentNotification
from ..settlement import family_settle
from .protocol import (
    MAX_STORED_BODY,
    MAX_STORED_UNSIGNED_BODY,
    TIMESTAMP,
    NotificationRefused,
    TransactionConflict,
    UnknownVirtualAccount,
    channel_secrets,
    parse_notification_body,
    sign,
)


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
