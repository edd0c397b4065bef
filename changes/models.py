"""Ubah Data Peserta (DESIGN.md 4.6): every change a participant asks for is a dated fact.

A ChangeRequest is what the participant asked and verified (one code or PIN for a whole
family); each DataChange is one member's change with its old and new value, the day it takes
effect, and what became of it (scheduled, applied, cancelled, reversed by staff). Nothing is
overwritten: a reversal is a new state of the same row, with who and why."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Region
from participants.models import Facility, Participant


class Kind(models.TextChoices):
    SEGMENT = "SEGMENT", _("segment")
    FKTP = "FKTP", "FKTP"
    CARE_CLASS = "CARE_CLASS", _("class")
    PHONE = "PHONE", _("phone")
    EMAIL = "EMAIL", _("e-mail")
    ADDRESS = "ADDRESS", _("mailing address")
    NIK = "NIK", "NIK"


class ChangeRequest(models.Model):
    """One request by a participant, waiting for its code/PIN, then done."""

    class State(models.TextChoices):
        AWAITING_VERIFICATION = "AWAITING", _("waiting for verification")
        CONFIRMED = "CONFIRMED", _("confirmed")
        ABANDONED = "ABANDONED", _("abandoned")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.AWAITING_VERIFICATION
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The participant whose account asked (the code goes to their contact).
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    # The one-time code sent for it (accounts' request id), if the change needs one.
    code_request_id = models.CharField(max_length=36, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class DataChange(models.Model):
    """One member's change: from what to what, effective when, and its fate."""

    class State(models.TextChoices):
        PENDING = "PENDING", _("waiting for verification")
        SCHEDULED = "SCHEDULED", _("scheduled")
        APPLIED = "APPLIED", _("in effect")
        CANCELLED = "CANCELLED", _("cancelled")
        REVERSED = "REVERSED", _("reversed by staff")

    request = models.ForeignKey(ChangeRequest, on_delete=models.PROTECT, related_name="changes")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="data_changes"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    # Machine values (ids, codes, dates as ISO strings) and their labels, as they were.
    old_value = models.JSONField(default=dict)
    new_value = models.JSONField(default=dict)
    old_label = models.CharField(max_length=255, blank=True)
    new_label = models.CharField(max_length=255, blank=True)
    effective_on = models.DateField(_("effective on"))
    applied_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverse_reason = models.CharField(_("reason for the reversal"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open change of a kind per member: a second must cancel the first.
            models.UniqueConstraint(
                fields=["participant", "kind"],
                condition=Q(state__in=["PENDING", "SCHEDULED"]),
                name="one_open_change_per_member_and_kind",
            ),
            models.CheckConstraint(
                condition=~Q(state="REVERSED") | Q(reversed_at__isnull=False),
                name="reversal_is_dated",
            ),
        ]
        indexes = [
            models.Index(
                fields=["effective_on"],
                condition=Q(state="SCHEDULED"),
                name="scheduled_changes_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.old_label} -> {self.new_label}"


class AutodebitConsent(models.Model):
    """The autodebit registration a segment change to PBPU needs (simulation: recorded, no
    bank is called)."""

    request = models.OneToOneField(
        ChangeRequest, on_delete=models.PROTECT, related_name="autodebit"
    )
    bank = models.CharField(_("bank"), max_length=20)
    account_number = models.CharField(_("account number"), max_length=20)
    account_holder = models.CharField(_("account holder"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(account_number__regex=r"^[0-9]{8,20}$"),
                name="autodebit_account_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank} ****{self.account_number[-4:]}"


class MailingAddress(models.Model):
    """Where letters go, if not the family card's address (any time, with the PIN)."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="mailing_address"
    )
    address = models.CharField(_("address"), max_length=255)
    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, limit_choices_to={"level": Region.Level.DISTRICT}
    )

    def __str__(self) -> str:
        return f"{self.address}, {self.district.name}"


class FacilityCapacity(models.Model):
    """Staff mark an FKTP full: it is then not offered for a change."""

    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="capacity")
    is_full = models.BooleanField(_("full"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("FKTP capacity")
        verbose_name_plural = _("FKTP capacity")

    def __str__(self) -> str:
        return f"{self.facility}: {'penuh' if self.is_full else 'tersedia'}"
