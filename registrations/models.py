"""Registrations (Pendaftaran Peserta Baru): a multi-step draft that resumes and expires, then
the family it created and the virtual account of its first payment (DESIGN.md 4.4, 4.5).

The draft keeps what the registry said about the KK and what the user chose in `data` (JSON):
nothing is written to participants or families until the submit step, which does it in one
transaction, so a refused or abandoned registration leaves nothing half-registered."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BranchOffice
from families.models import FamilyCard


class Registration(models.Model):
    class State(models.TextChoices):
        DRAFT = "DRAFT", _("draft")
        # Submitted: the family exists, TIDAK AKTIF until the first payment.
        AWAITING_PAYMENT = "AWAITING_PAYMENT", _("awaiting the first payment")
        # Registered with no participant payment to wait for (PBI newborn, PPU dependant).
        COMPLETED = "COMPLETED", _("registered")
        # The draft was left longer than REGISTRATION_DRAFT_HOURS: start again.
        EXPIRED = "EXPIRED", _("draft expired")

    class Kind(models.TextChoices):
        NEW_FAMILY = "NEW_FAMILY", _("new family")
        ADD_MEMBER = "ADD_MEMBER", _("member added to a family")
        NEWBORN = "NEWBORN", _("newborn (BBL)")

    class Step(models.TextChoices):
        TERMS = "TERMS", _("terms")
        KK = "KK", _("family card (KK)")
        MEMBERS = "MEMBERS", _("members")
        CLASS = "CLASS", _("class")
        CONTACT = "CONTACT", _("contact")
        VERIFY = "VERIFY", _("verification code")
        CONSENT = "CONSENT", _("consent")
        DONE = "DONE", _("done")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="NEW_FAMILY")
    state = models.CharField(_("state"), max_length=18, choices=State.choices, default="DRAFT")
    step = models.CharField(_("step"), max_length=8, choices=Step.choices, default="TERMS")
    kk_number = models.CharField(_("KK number"), max_length=16, blank=True, db_index=True)
    # Known once the KK is pulled (the branch of the family's district): staff scope.
    branch = models.ForeignKey(
        BranchOffice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("branch office"),
    )
    # Registry answer and the user's choices; see services for the shape.
    data = models.JSONField(default=dict, blank=True)
    # The user who runs the flow: null for a visitor (the draft is tied to the session).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    # Staff at the counter register on someone's behalf and say why (audit).
    counter_reason = models.CharField(_("reason (counter)"), max_length=255, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=16, blank=True)
    contact_verified_at = models.DateTimeField(null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    code_sent_at = models.DateTimeField(null=True, blank=True)

    family = models.ForeignKey(
        FamilyCard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("family"),
    )
    virtual_account = models.CharField(_("virtual account"), max_length=16, blank=True)
    va_expires_on = models.DateField(_("VA valid until"), null=True, blank=True)
    va_issued_count = models.PositiveSmallIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(_("draft expires at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kk_number="") | Q(kk_number__regex=r"^[0-9]{16}$"),
                name="registration_kk_16_digits",
            ),
            models.CheckConstraint(
                condition=Q(state="DRAFT") | Q(state="EXPIRED") | Q(family__isnull=False),
                name="submitted_registration_has_family",
            ),
        ]
        indexes = [models.Index(fields=["branch", "state"], name="registration_branch_idx")]

    def __str__(self) -> str:
        return f"{self.kk_number or '-'} ({self.state})"
