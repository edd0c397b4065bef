"""Signed payment notifications from banks and payment channels, the simulated bank of the
embedded default, and the staff match of a notification whose VA was unknown.

Protocol (also in the API schema and the README):
- headers `X-Channel-Id` (the channel's code), `X-Timestamp` (Unix time, seconds) and
  `X-Signature`: hex HMAC-SHA256 with the channel's secret over `<timestamp>.<raw body>`;
- body: JSON `{"transaction_id", "virtual_account", "amount", "paid_at"}`, amount in whole
  rupiah, paid_at ISO 8601 with a UTC offset.
Every delivery is stored before it is checked, and keeps its outcome: refused ones wait there
for reconciliation. The channel's transaction id is the idempotency key: the same
notification, sent again or many times at once, credits once and gets the same answer.

A package: `protocol` (the headers, the body and their checks, the signature), `receive` (a
delivery stored, checked and credited once), `simulation` (the simulated bank) and `matching`
(staff crediting an unmatched notification). Every name stays importable from here."""

from .matching import notification_match
from .protocol import (
    EARLIEST_PAID_AT,
    MAX_AMOUNT,
    MAX_STORED_BODY,
    MAX_STORED_UNSIGNED_BODY,
    PAID_AT_AHEAD,
    TIMESTAMP,
    TRANSACTION_ID,
    VIRTUAL_ACCOUNT,
    NotificationBody,
    NotificationRefused,
    TransactionConflict,
    UnknownVirtualAccount,
    channel_secret,
    channel_secrets,
    parse_notification_body,
    sign,
)
from .receive import notification_receive, payment_credit
from .simulation import SIMULATION_CHANNEL, payment_simulate, simulation_channel

__all__ = [
    "EARLIEST_PAID_AT",
    "MAX_AMOUNT",
    "MAX_STORED_BODY",
    "MAX_STORED_UNSIGNED_BODY",
    "PAID_AT_AHEAD",
    "SIMULATION_CHANNEL",
    "TIMESTAMP",
    "TRANSACTION_ID",
    "VIRTUAL_ACCOUNT",
    "NotificationBody",
    "NotificationRefused",
    "TransactionConflict",
    "UnknownVirtualAccount",
    "channel_secret",
    "channel_secrets",
    "notification_match",
    "notification_receive",
    "parse_notification_body",
    "payment_credit",
    "payment_simulate",
    "sign",
    "simulation_channel",
]
