"""Facility (faskes) credentials for the VClaim-compatible facade (issue 13).

A hospital or clinic system (SIMRS) signs each request with its consumer id and secret and
sends its user key. The secret must be readable by the server (it keys both the HMAC and the
response encryption), so it is stored encrypted (Fernet, `vclaim.sealing`) and shown to staff
only once, when issued or rotated; the user key is only compared, so only its hash is kept.
Each credential owns a facility service account (core.User, role FACILITY): that account is
the "who" of the shared lookup log and of the per-account rate limit."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import BranchOffice


class FacilityCredential(models.Model):
    consumer_id = models.CharField(_("consumer id"), max_length=16, unique=True)
    name = models.CharField(_("facility name"), max_length=120)
    # Kode PPK of the facility (e.g. 0901R001); informational.
    provider_code = models.CharField(_("provider code (PPK)"), max_length=12, blank=True)
    branch = models.ForeignKey(
        BranchOffice, on_delete=models.PROTECT, verbose_name=_("branch office")
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="vclaim_credential",
        verbose_name=_("facility account"),
    )
    secret_encrypted = models.TextField()
    # After a rotation the previous secret still verifies until `previous_valid_until`.
    previous_secret_encrypted = models.TextField(blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    user_key_sha256 = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("secret issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("secret issued by"),
    )

    history = HistoricalRecords(
        excluded_fields=["secret_encrypted", "previous_secret_encrypted", "user_key_sha256"]
    )

    class Meta:
        ordering = ["consumer_id"]
        verbose_name = _("VClaim facility credential")
        verbose_name_plural = _("VClaim facility credentials")
        constraints = [
            models.CheckConstraint(
                condition=Q(consumer_id__regex=r"^[0-9]{1,16}$"), name="consumer_id_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consumer_id} {self.name}"
