"""Outgoing messages (e-mail and SMS): one row per event, with its delivery state.

The row is the outbox: it is written in the same transaction as the event that causes it,
sent by a Celery task after commit, and its unique `event_key` is what keeps one event from
ever producing two messages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "EMAIL", _("e-mail")
    SMS = "SMS", "SMS"


class Message(models.Model):
    class State(models.TextChoices):
        QUEUED = "QUEUED", _("queued")
        SENDING = "SENDING", _("sending")
        SENT = "SENT", _("sent")
        # The last attempt failed; another one is scheduled.
        RETRY = "RETRY", _("failed, will be retried")
        # Every attempt failed (or the gateway refused it for good): staff may retry it.
        FAILED = "FAILED", _("failed")

    # e.g. "account-code:<uuid>": the event this message belongs to; never two messages for one.
    event_key = models.CharField(max_length=120, unique=True)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    # E-mail address, or an SMS number in E.164 (+62...).
    destination = models.CharField(_("destination"), max_length=254)
    template = models.CharField(max_length=60)
    language = models.CharField(max_length=8, default="id")
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Erased once sent unless MESSAGING_KEEP_BODIES (the embedded default keeps them so the
    # outbox page shows the codes): in production nobody reads a code from the database.
    body_erased = models.BooleanField(default=False)

    # Whose message it is: scopes the outbox page (staff see their branch) and the account pages.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.ForeignKey(
        "participants.Participant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    provider_id = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages (outbox)")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="message_state_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="SENT") | Q(sent_at__isnull=False), name="sent_message_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.template} {self.state}"
