"""Reference data and accounts shared by every app: regions, branch offices, users."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .facts import ReferenceModel

# Django group holding branch staff permissions (created by migration core.0003).
STAFF_GROUP_NAME = "Petugas Kantor Cabang"


class Region(ReferenceModel):
    """A Kemendagri region: province (1), regency/city (2) or district/kecamatan (3)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        REGENCY = 2, _("regency/city")
        DISTRICT = 3, _("district")

    # Six digits without dots for a district ("317401"), four for a regency, two for a province.
    code = models.CharField(max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^([0-9]{2}){1,3}$"), name="region_code_digits"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BranchOffice(ReferenceModel):
    """Kantor Cabang (KC): staff belong to one and see only its participants."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=100)
    regency = models.ForeignKey(
        Region, on_delete=models.PROTECT, limit_choices_to={"level": Region.Level.REGENCY}
    )
    # Shown on the Bantuan page: where a participant goes with their KTP and KK.
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("branch office")
        verbose_name_plural = _("branch offices")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Login account. Participants log in with their NIK as username; staff belong to a branch;
    facility (faskes) service accounts may only call the eligibility check."""

    class Role(models.TextChoices):
        PARTICIPANT = "PARTICIPANT", _("participant")
        STAFF = "STAFF", _("branch staff")
        FACILITY = "FACILITY", _("facility service account")
        ADMIN = "ADMIN", _("administrator")

    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    branch = models.ForeignKey(BranchOffice, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="STAFF") | Q(branch__isnull=False),
                name="staff_user_has_branch",
            ),
        ]


class JobRun(models.Model):
    """One run of a background job, with progress, so operators see what ran and how far."""

    class State(models.TextChoices):
        RUNNING = "RUNNING", _("running")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("failed")

    name = models.CharField(max_length=60, db_index=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        from .observability import operator_time

        return f"{self.name} {operator_time(self.started_at)} {self.state} {self.done}/{self.total}"


class ReferenceEpoch(models.Model):
    """One row: the token of the reference data (core.facts), part of every cached family
    answer's key."""

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"reference epoch {self.token}"
