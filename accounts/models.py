"""Self-service side of a participant's login: contact channels, PIN, one-time codes, sessions,
and the staff audit trail. The login itself is core.User (username = NIK)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import mask_number
from messaging.models import Channel


class Account(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    email = models.EmailField(_("e-mail"), blank=True)
    # Lower-cased, trimmed: "one e-mail per account" cannot be dodged by letter case.
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    phone = models.CharField(_("phone (E.164)"), max_length=16, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    phone_verified_at = models.DateTimeField(null=True, blank=True)
    # The language messages are written in (the one the participant used when signing up).
    language = models.CharField(max_length=8, default="id")

    pin_hash = models.CharField(max_length=128, blank=True)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    pin_locked_until = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant account")
        verbose_name_plural = _("participant accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["email_key"], condition=~Q(email_key=""), name="one_account_per_email"
            ),
        ]

    def __str__(self) -> str:
        # Shown in admin lists and logs: the NIK masked, as everywhere it is not needed whole.
        return mask_number(self.user.username)

    @property
    def has_pin(self) -> bool:
        return bool(self.pin_hash)


class OneTimeCode(models.Model):
    """A 6-digit code sent to one destination for one flow of one participant.

    The `id` (a UUID) is the request id a client holds; the code itself is stored only as an
    HMAC. Limits count rows: sends per participant and per destination key in a window."""

    class Purpose(models.TextChoices):
        SIGNUP = "SIGNUP", _("account creation")
        PASSWORD_RESET = "PASSWORD_RESET", _("password reset")
        PIN_CHANGE = "PIN_CHANGE", _("PIN change")
        DATA_CHANGE = "DATA_CHANGE", _("data change")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    participant = models.ForeignKey(
        "participants.Participant", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices)
    destination = models.CharField(max_length=254)
    # The destination as limits see it: e-mail lower-cased without dots or +tags in the local part.
    destination_key = models.CharField(max_length=254, db_index=True)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # A newer code for the same flow replaces this one.
    replaced_at = models.DateTimeField(null=True, blank=True)
    # Signup: what the account will be made of once the code is right (password as a hash).
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["participant", "created_at"], name="code_participant_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(attempts__lte=10), name="code_attempts_bounded"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.channel} {self.created_at:%Y-%m-%d %H:%M}"


class SessionRecord(models.Model):
    """A browser login, so the participant can list and end their sessions (Django's session
    table has no user column)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    remember = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class AccountAuditEntry(models.Model):
    """Staff actions on an account and the participant's own security events, with who and
    why. Never holds a password, code or PIN."""

    class Action(models.TextChoices):
        CREATED = "CREATED", _("account created")
        PASSWORD_RESET = "PASSWORD_RESET", _("password reset by the participant")
        PIN_SET = "PIN_SET", _("PIN set")
        PIN_CHANGED = "PIN_CHANGED", _("PIN changed")
        PIN_LOCKED = "PIN_LOCKED", _("PIN locked after wrong tries")
        STAFF_UNLOCK = "STAFF_UNLOCK", _("unlocked by staff")
        STAFF_RESET_SENT = "STAFF_RESET_SENT", _("password-reset message sent by staff")

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account audit entry")
        verbose_name_plural = _("account audit entries")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action__startswith="STAFF_") | ~Q(reason=""),
                name="staff_account_action_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"
