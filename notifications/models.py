"""A participant's notifications (the bell) and how they want them delivered.

A notification is made from a fact another app already recorded (a status change, a bill,
a payment, a complaint reply, a data correction): `source` names that row, and the unique
(recipient, source) key is why one event never gives two notifications. E-mail and SMS go
through the messaging app's outbox (one Message per notification and channel)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from participants.models import Participant


class Kind(models.TextChoices):
    STATUS_CHANGED = "STATUS_CHANGED", _("status changed")
    BILL_DUE = "BILL_DUE", _("bill due soon")
    PAYMENT_CONFIRMED = "PAYMENT_CONFIRMED", _("payment confirmed")
    COMPLAINT_ANSWERED = "COMPLAINT_ANSWERED", _("complaint answered")
    COMPLAINT_CLOSED = "COMPLAINT_CLOSED", _("complaint closed")
    DATA_CHANGED = "DATA_CHANGED", _("data changed")


class Notification(models.Model):
    recipient = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The row it comes from, e.g. "status:123", "bill:45", "reply:67".
    source = models.CharField(max_length=40, db_index=True)
    # What the text needs, rendered in the reader's language when shown or sent.
    params = models.JSONField(default=dict)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "source"], name="one_notification_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source} -> {self.recipient_id}"


class Preference(models.Model):
    """Per channel: the list in the portal is always there; e-mail and SMS can be switched."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by e-mail"), default=True)
    sms = models.BooleanField(_("by SMS"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} sms={self.sms}"
