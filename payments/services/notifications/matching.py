"""Staff reconciliation: crediting a signed notification whose VA matched no family."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError, ValidationFailed
from core.models import User
from families.models import FamilyCard

from ...models import Payment, PaymentNotification
from .receive import payment_credit


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
