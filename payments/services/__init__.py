"""Every write of the payments app (STYLE.md 2), one module per concern:
billing (a family's bills), generation (the billing job's chunk), bill_rows (writing bills),
settlement (credit pays bills), notifications (the bank webhook, the simulated
bank, staff matching), reactivation (applying a settlement to the members)."""

from .billing import family_bills_ensure, family_bills_prepare
from .generation import bills_generate
from .notifications import (
    NotificationRefused,
    TransactionConflict,
    UnknownVirtualAccount,
    notification_match,
    notification_receive,
    payment_credit,
    payment_simulate,
    sign,
)
from .reactivation import reactivation_apply, reactivations_apply
from .settlement import family_settle, family_settle_credit

__all__ = [
    "NotificationRefused",
    "TransactionConflict",
    "UnknownVirtualAccount",
    "bills_generate",
    "family_bills_ensure",
    "family_bills_prepare",
    "family_settle",
    "family_settle_credit",
    "notification_match",
    "notification_receive",
    "payment_credit",
    "payment_simulate",
    "reactivation_apply",
    "reactivations_apply",
    "sign",
]
