"""Participants (peserta) and the reference data their status depends on.

Status is never edited by hand: `participants.status.derive_status` derives it from the facts
stored here (coverage period, paid-through month, registry hold, date of death, reactivation),
and `participants.services` records every change of it as a StatusChange row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.facts import FactsModel, ReferenceModel
from core.models import BranchOffice, Region


class Segment(ReferenceModel):
    """Membership segment: who pays (DESIGN.md 4.3). Loaded as data by migration."""

    class Payer(models.TextChoices):
        STATE = "STATE", _("central government")
        REGION = "REGION", _("regional government")
        EMPLOYER = "EMPLOYER", _("employer and worker")
        SELF = "SELF", _("the participant")

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=100)
    payer = models.CharField(max_length=10, choices=Payer.choices)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_state_paid(self) -> bool:
        return self.payer in (self.Payer.STATE, self.Payer.REGION)


class ContributionRate(ReferenceModel):
    """Monthly iuran as data with valid-from dates, so a new regulation is a data change.

    Either a fixed `monthly_amount` (PBI, PBPU/BP per class) or a share of salary (PPU).
    `participant_amount` is what the participant pays when the state subsidises part of it
    (PBPU class III: Rp42.000, of which the participant pays Rp35.000).
    `care_class` 0 means every class.
    """

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="rates")
    care_class = models.PositiveSmallIntegerField(default=0)
    valid_from = models.DateField()
    monthly_amount = models.PositiveIntegerField(null=True, blank=True)
    participant_amount = models.PositiveIntegerField(null=True, blank=True)
    salary_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    salary_ceiling = models.PositiveIntegerField(null=True, blank=True)
    regulation = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["segment", "care_class", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "care_class", "valid_from"], name="one_rate_per_start"
            ),
            models.CheckConstraint(
                condition=Q(care_class__gte=0, care_class__lte=3), name="rate_class_0_to_3"
            ),
            models.CheckConstraint(
                condition=Q(monthly_amount__isnull=False) | Q(salary_percent__isnull=False),
                name="rate_has_amount_or_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} kelas {self.care_class or '*'} dari {self.valid_from}"


class MinimumWage(ReferenceModel):
    """Regional minimum wage (UMP for a province, UMK for a regency/city) with valid-from
    dates: the floor of the PPU contribution base (Perpres 64/2020 Pasal 32). Data, not code."""

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        limit_choices_to={"level__in": [Region.Level.PROVINCE, Region.Level.REGENCY]},
        verbose_name=_("region"),
    )
    valid_from = models.DateField(_("valid from"))
    monthly_amount = models.PositiveIntegerField(_("monthly minimum wage"))
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        # Moved from payments (Info Peserta needs the floor too); the table keeps its name.
        db_table = "payments_minimumwage"
        ordering = ["region_id", "-valid_from"]
        verbose_name = _("regional minimum wage")
        verbose_name_plural = _("regional minimum wages")
        constraints = [
            models.UniqueConstraint(fields=["region", "valid_from"], name="one_wage_per_start"),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.valid_from}: {self.monthly_amount}"


class Facility(ReferenceModel):
    """FKTP: the primary-care facility a participant is assigned to."""

    class Kind(models.TextChoices):
        PUSKESMAS = "PUSKESMAS", "Puskesmas"
        CLINIC = "KLINIK", _("clinic")
        DOCTOR = "DOKTER", _("family doctor")

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        Region, on_delete=models.PROTECT, limit_choices_to={"level": Region.Level.DISTRICT}
    )
    branch = models.ForeignKey(BranchOffice, on_delete=models.PROTECT, related_name="facilities")

    class Meta:
        ordering = ["name"]
        verbose_name = "FKTP"
        verbose_name_plural = "FKTP"

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    AKTIF = "AKTIF", "AKTIF"
    TIDAK_AKTIF = "TIDAK_AKTIF", "TIDAK AKTIF"
    PENANGGUHAN = "PENANGGUHAN", "PENANGGUHAN"


class Reason(models.TextChoices):
    """Machine-readable reason codes (DESIGN.md 4.4)."""

    ACTIVE = "ACTIVE", _("active")
    PAYMENT_DUE = "PAYMENT_DUE", _("this month's contribution is due")
    REACTIVATION_PENALTY = "REACTIVATION_PENALTY", _("service penalty window")
    ARREARS = "ARREARS", _("arrears")
    NOT_YET_COVERED = "NOT_YET_COVERED", _("coverage not started")
    SEGMENT_ENDED = "SEGMENT_ENDED", _("segment ended")
    PBI_DELISTED = "PBI_DELISTED", _("removed from the PBI list")
    DECEASED = "DECEASED", _("deceased")
    DUKCAPIL_MISMATCH = "DUKCAPIL_MISMATCH", _("data differs from Dukcapil")
    DUPLICATE_NIK = "DUPLICATE_NIK", _("duplicate NIK")
    NIK_NOT_FOUND = "NIK_NOT_FOUND", _("NIK not found at Dukcapil")
    NEWBORN_UNREGISTERED = "NEWBORN_UNREGISTERED", _("no NIK 3 months after birth")
    NIK_MISSING = "NIK_MISSING", _("no NIK recorded")
    AWAITING_FIRST_PAYMENT = "AWAITING_FIRST_PAYMENT", _("awaiting the first payment")
    PPU_NOT_DEPENDANT = "PPU_NOT_DEPENDANT", _("not a PPU family member")


class RegistryHold(models.TextChoices):
    """Why data waits for verification (PENANGGUHAN). Set by the Dukcapil sync or staff."""

    DUKCAPIL_MISMATCH = Reason.DUKCAPIL_MISMATCH.value, Reason.DUKCAPIL_MISMATCH.label
    DUPLICATE_NIK = Reason.DUPLICATE_NIK.value, Reason.DUPLICATE_NIK.label
    NIK_NOT_FOUND = Reason.NIK_NOT_FOUND.value, Reason.NIK_NOT_FOUND.label


class CoverageEndReason(models.TextChoices):
    SEGMENT_ENDED = Reason.SEGMENT_ENDED.value, Reason.SEGMENT_ENDED.label
    PBI_DELISTED = Reason.PBI_DELISTED.value, Reason.PBI_DELISTED.label


class Participant(FactsModel):
    class Sex(models.TextChoices):
        MALE = "L", _("male")
        FEMALE = "P", _("female")

    class MaritalStatus(models.TextChoices):
        """As Dukcapil records it (status perkawinan)."""

        SINGLE = "BELUM_KAWIN", _("single")
        MARRIED = "KAWIN", _("married")
        DIVORCED = "CERAI_HIDUP", _("divorced")
        WIDOWED = "CERAI_MATI", _("widowed")

    card_number = models.CharField(_("card number"), max_length=13, unique=True)
    # Null only for a newborn whose NIK Dukcapil has not issued yet.
    nik = models.CharField("NIK", max_length=16, null=True, blank=True)
    # A baby registered before Dukcapil issued a NIK is known by the birth certificate (akta
    # kelahiran, DESIGN.md 4.5); kept after the NIK arrives, as the record it was proven by.
    birth_certificate_number = models.CharField(
        _("birth certificate number"), max_length=40, blank=True
    )
    name = models.CharField(_("name"), max_length=120)
    birth_place = models.CharField(_("birth place"), max_length=60, blank=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    marital_status = models.CharField(
        _("marital status"), max_length=12, choices=MaritalStatus.choices, blank=True
    )
    # A PPU child stays a dependant until 25 instead of 21 while in formal education
    # (Perpres 82/2018 Pasal 4(2)); staff record it from the school's letter.
    in_formal_education = models.BooleanField(_("in formal education"), default=False)
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    segment = models.ForeignKey(Segment, on_delete=models.PROTECT, verbose_name=_("segment"))
    care_class = models.PositiveSmallIntegerField(_("class"), default=3)
    fktp = models.ForeignKey(Facility, on_delete=models.PROTECT, verbose_name="FKTP")
    branch = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("branch office"),
    )
    # PPU only: the salary the 5% contribution is computed from (whole rupiah).
    salary = models.PositiveIntegerField(null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )

    # --- facts the status is derived from -------------------------------------------------
    coverage_start = models.DateField(_("coverage start"))
    # Last covered day; set when a job, a segment or the PBI listing ends.
    coverage_end = models.DateField(_("coverage end"), null=True, blank=True)
    coverage_end_reason = models.CharField(
        max_length=16, choices=CoverageEndReason.choices, blank=True
    )
    # First day of the last month whose iuran is paid; null: nothing paid since coverage_start.
    paid_through = models.DateField(_("paid through (month)"), null=True, blank=True)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    registry_hold = models.CharField(
        _("verification hold"), max_length=20, choices=RegistryHold.choices, blank=True
    )
    hold_note = models.CharField(_("hold note"), max_length=255, blank=True)
    reactivated_on = models.DateField(_("reactivated on"), null=True, blank=True)
    # Months in arrears that the reactivation paid; the denda pelayanan multiplies by them.
    reactivation_arrears_months = models.PositiveSmallIntegerField(default=0)
    # A duplicate record retired by a merge keeps its NIK, so live records must be unique.
    retired_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    # --- the recorded result of derive_status (for lists, filters and history) --------------
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.AKTIF)
    status_reason = models.CharField(max_length=24, choices=Reason.choices, default=Reason.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=[
            "status",
            "status_reason",
            "status_changed_at",
            "updated_at",
            "facts_token",
        ],
        cascade_delete_history=False,
    )

    class Meta:
        ordering = ["card_number"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=Q(retired_at__isnull=True, nik__isnull=False),
                name="unique_nik_among_live_participants",
            ),
            models.CheckConstraint(
                condition=Q(card_number__regex=r"^[0-9]{13}$"), name="card_number_13_digits"
            ),
            models.CheckConstraint(
                condition=Q(nik__isnull=True) | Q(nik__regex=r"^[0-9]{16}$"),
                name="nik_16_digits",
            ),
            models.CheckConstraint(
                condition=Q(care_class__gte=1, care_class__lte=3), name="care_class_1_to_3"
            ),
            models.CheckConstraint(
                condition=Q(coverage_end__isnull=True)
                | Q(coverage_end__gte=models.F("coverage_start")),
                name="coverage_end_after_start",
            ),
            models.CheckConstraint(condition=Q(sex__in=["L", "P"]), name="sex_l_or_p"),
        ]
        indexes = [
            models.Index(fields=["nik"], name="participant_nik_idx"),
            models.Index(fields=["branch", "status"], name="participant_branch_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.card_number})"


class Cause(models.TextChoices):
    """What made a status change; shown to the participant in the status history."""

    REGISTRATION = "REGISTRATION", _("registration")
    DAILY_RECOMPUTE = "DAILY_RECOMPUTE", _("daily status check (month end, penalty window)")
    PAYMENT = "PAYMENT", _("payment confirmed")
    STAFF_CORRECTION = "STAFF_CORRECTION", _("data corrected by branch staff")
    DUKCAPIL_SYNC = "DUKCAPIL_SYNC", _("Dukcapil data sync")
    FAMILY_CHANGE = "FAMILY_CHANGE", _("family card change")
    DATA_CHANGE = "DATA_CHANGE", _("data change by the participant (Ubah Data)")


class StatusChange(models.Model):
    """Every change of a participant's status, with its cause and time (DESIGN.md 4.4)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes"
    )
    changed_at = models.DateTimeField(db_index=True)
    old_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    old_reason = models.CharField(max_length=24, choices=Reason.choices, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    cause = models.CharField(max_length=20, choices=Cause.choices)
    # Detail for staff and the participant (a payment reference, the correction's reason).
    note = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["participant", "-changed_at"], name="statuschange_p_idx")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.old_status} -> {self.status} ({self.reason})"


class EligibilityLookup(models.Model):
    """One eligibility lookup by a facility account, whichever channel it came through (the
    REST API or the VClaim facade): who asked about whom, when and for which service date.

    A participant's status is personal data (issue 7 point 13: sequential card numbers read
    names), so every answered lookup is kept, unknown numbers too, for branch staff to see."""

    class Channel(models.TextChoices):
        API = "API", _("REST API (/api/v1/eligibility/)")
        VCLAIM = "VCLAIM", _("VClaim facade (/vclaim-rest/)")

    class Kind(models.TextChoices):
        CARD = "CARD", _("card number")
        NIK = "NIK", "NIK"

    NOT_FOUND = "NOT_FOUND"

    asked_at = models.DateTimeField(_("asked at"), db_index=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="eligibility_lookups",
        verbose_name=_("facility account"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("asked by"), max_length=4, choices=Kind.choices)
    # What was asked, as given: unknown numbers are the trace of someone trying numbers.
    asked_number = models.CharField(_("number asked"), max_length=16)
    service_date = models.DateField(_("service date"))
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="eligibility_lookups",
        verbose_name=_("participant"),
    )
    # The status answered (AKTIF, TIDAK_AKTIF, PENANGGUHAN) or NOT_FOUND.
    result = models.CharField(_("answer"), max_length=12)
    client_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-id"]
        verbose_name = _("eligibility lookup")
        verbose_name_plural = _("eligibility lookups")
        indexes = [
            models.Index(fields=["account", "-asked_at"], name="lookup_account_idx"),
            models.Index(fields=["participant", "-asked_at"], name="lookup_participant_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.account_id} {self.channel} {self.asked_number} {self.asked_at:%Y-%m-%d %H:%M}"
        )
