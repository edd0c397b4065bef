"""Registry tables (mock Dukcapil).

This app stands in for an external population registry: it never imports portal code and
the portal reaches it only over HTTP (see views.py), so it can run as its own service.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


class Sex(models.TextChoices):
    MALE = "L", "Laki-laki"
    FEMALE = "P", "Perempuan"


class Relationship(models.TextChoices):
    """Status hubungan dalam keluarga (SHDK) as the KK records it, simplified. Parents and
    parents-in-law are their own codes (as on a real KK): a PPU family may add them as 1%
    members, other relatives it may not."""

    HEAD = "KEPALA", "Kepala keluarga"
    SPOUSE = "PASANGAN", "Suami/istri"
    CHILD = "ANAK", "Anak"
    PARENT = "ORANG_TUA", "Orang tua"
    PARENT_IN_LAW = "MERTUA", "Mertua"
    OTHER = "LAINNYA", "Lainnya"


class Person(models.Model):
    nik = models.CharField("NIK", max_length=16, primary_key=True)
    name = models.CharField(max_length=200)
    birth_place = models.CharField(max_length=100)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    address = models.TextField()
    religion = models.CharField(max_length=30, blank=True)
    # Status perkawinan: BELUM_KAWIN, KAWIN, CERAI_HIDUP, CERAI_MATI (blank: not recorded).
    marital_status = models.CharField(max_length=12, blank=True)
    is_alive = models.BooleanField(default=True)
    date_of_death = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["nik"]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="registry_person_sex"),
            # A death date without the death flag would give the sync two contradicting
            # answers for "is this NIK deceased". A death may be reported without a date
            # (the portal then asks staff, DESIGN.md 4.8).
            models.CheckConstraint(
                condition=Q(is_alive=True, date_of_death__isnull=True) | Q(is_alive=False),
                name="registry_person_death_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nik} {self.name}"


class RegistryFamilyCard(models.Model):
    kk_number = models.CharField("KK number", max_length=16, unique=True)
    address = models.TextField()
    district_code = models.CharField(max_length=6)
    # A plain NIK, not a FK: the head may be set before their person row is loaded.
    head_nik = models.CharField(max_length=16, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kk_number"]

    def __str__(self) -> str:
        return self.kk_number


class RegistryMembership(models.Model):
    """A person on a KK for a dated period; `valid_to` null means current.

    History stays in this table (rows are ended, never deleted) because a KK number changes
    when a family moves or splits, and the sync must tell "moved" from "unknown"."""

    family_card = models.ForeignKey(
        RegistryFamilyCard, on_delete=models.CASCADE, related_name="memberships"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["family_card", "valid_from", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="registry_one_current_membership_per_person",
            ),
            models.CheckConstraint(
                condition=Q(relationship__in=Relationship.values),
                name="registry_membership_relationship",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="registry_membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.family_card} ({self.relationship})"


class RegistrySettings(models.Model):
    """Admin switch to make the registry slow or failing, to exercise the portal's retries.

    One row at most (pk fixed to 1); without a row the Django settings apply."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    latency_ms = models.PositiveIntegerField(default=0)
    error_rate = models.FloatField(
        default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    outage = models.BooleanField(default=False)

    class Meta:
        verbose_name = "registry settings"
        verbose_name_plural = "registry settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="registry_settings_singleton"),
            models.CheckConstraint(
                condition=Q(error_rate__gte=0.0, error_rate__lte=1.0),
                name="registry_settings_error_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"latency {self.latency_ms} ms, error rate {self.error_rate}, outage {self.outage}"
