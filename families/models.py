"""Family cards (Kartu Keluarga) and dated membership.

A KK number changes when a family moves, splits or the head dies, so membership is dated:
`valid_to` is null for the current one, and the database keeps one current family per
participant, one current head per KK and one current main participant per family.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.facts import FactsModel
from core.models import BranchOffice, Region
from participants.models import Participant


class FamilyCard(FactsModel):
    number = models.CharField(_("KK number"), max_length=16, unique=True)
    branch = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        related_name="families",
        verbose_name=_("branch office"),
    )
    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, limit_choices_to={"level": Region.Level.DISTRICT}
    )
    address = models.CharField(_("address"), max_length=255)
    # Virtual account the family pays its bills to (issued with the card; DESIGN.md 4.4).
    virtual_account = models.CharField(_("virtual account"), max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["facts_token"])

    class Meta:
        ordering = ["number"]
        verbose_name = _("family card (KK)")
        verbose_name_plural = _("family cards (KK)")
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{16}$"), name="kk_16_digits"),
            models.CheckConstraint(
                condition=Q(virtual_account__regex=r"^[0-9]{16}$"), name="va_16_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"KK {self.number}"


class Relationship(models.TextChoices):
    HEAD = "KEPALA", _("head of family")
    SPOUSE = "PASANGAN", _("spouse")
    CHILD = "ANAK", _("child")
    # PPU: parents and parents-in-law may be 1% members, other relatives may not (DESIGN 4.3).
    PARENT = "ORANG_TUA", _("father or mother")
    PARENT_IN_LAW = "MERTUA", _("father- or mother-in-law")
    OTHER = "LAINNYA", _("other relative")


class FamilyMembership(models.Model):
    family = models.ForeignKey(FamilyCard, on_delete=models.PROTECT, related_name="memberships")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="memberships"
    )
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    # Peserta utama: the one who holds the family's account (DESIGN.md 4.5 for the priority).
    is_main = models.BooleanField(_("main participant"), default=False)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["family", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(valid_to__isnull=True),
                name="one_current_family_per_participant",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(valid_to__isnull=True, relationship="KEPALA"),
                name="one_current_head_per_kk",
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(valid_to__isnull=True, is_main=True),
                name="one_current_main_participant_per_family",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="membership_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["family"], condition=Q(valid_to__isnull=True), name="current_members_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} in {self.family_id} ({self.relationship})"
