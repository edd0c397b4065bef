"""Dukcapil sync: runs (chunked, resumable), per-participant sync state, and discrepancies.

A discrepancy is one difference between our data and the registry, recorded once (database
constraint on its subject, kind and key), queued for staff unless it was safe to apply, and
never reopened once staff decided it (DESIGN.md 4.8).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BranchOffice, JobRun
from families.models import FamilyCard
from participants.models import Participant, RegistryHold


class SyncRun(models.Model):
    """One sync: the whole population (FULL, nightly), one family, or one person.

    Progress counts participants. A FULL run is cut into chunks of whole families when it
    starts; workers claim chunks, so it can stop (registry outage) and resume, and several
    workers can share it. The JobRun beside it shows it among the other jobs."""

    class Kind(models.TextChoices):
        FULL = "FULL", _("full")
        FAMILY = "FAMILY", _("family")
        PERSON = "PERSON", _("person")

    class State(models.TextChoices):
        RUNNING = "RUNNING", _("running")
        STOPPED = "STOPPED", _("stopped (resumes on the next run)")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("done with failed chunks")

    class Trigger(models.TextChoices):
        NIGHTLY = "NIGHTLY", _("nightly schedule")
        OPERATOR = "OPERATOR", _("operator command")
        PARTICIPANT = "PARTICIPANT", _("participant request")
        STAFF = "STAFF", _("branch staff")
        REGISTRATION = "REGISTRATION", _("registration")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.RUNNING)
    trigger = models.CharField(_("trigger"), max_length=12, choices=Trigger.choices)
    job_run = models.OneToOneField(
        JobRun, on_delete=models.PROTECT, related_name="dukcapil_sync", verbose_name=_("job run")
    )
    family = models.ForeignKey(
        FamilyCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    chunk_size = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(_("participants"), default=0)
    done = models.PositiveIntegerField(_("checked"), default=0)
    differences = models.PositiveIntegerField(_("new differences"), default=0)
    applied = models.PositiveIntegerField(_("applied automatically"), default=0)
    errors = models.PositiveIntegerField(_("records failed"), default=0)
    chunks_total = models.PositiveIntegerField(default=0)
    chunks_done = models.PositiveIntegerField(default=0)
    chunks_failed = models.PositiveIntegerField(default=0)
    stops = models.PositiveIntegerField(_("stops"), default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Human log of stops and resumes: what an operator reads first.
    report = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("Dukcapil sync run")
        verbose_name_plural = _("Dukcapil sync runs")
        constraints = [
            # Two workers starting the nightly sync at once share one run instead of two.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="FULL", state__in=["RUNNING", "STOPPED"]),
                name="one_unfinished_full_sync",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="sync_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.state} {self.done}/{self.total}"

    @property
    def is_unfinished(self) -> bool:
        return self.state in (self.State.RUNNING, self.State.STOPPED)


class SyncChunk(models.Model):
    """A slice of a run: whole families (their participant ids are fixed when the run starts,
    so every participant is in exactly one chunk). Claimed with a conditional UPDATE; its
    results and its DONE mark commit in one transaction, so a chunk counts once or not at
    all, whatever happens to the worker."""

    class State(models.TextChoices):
        PENDING = "PENDING", _("pending")
        CLAIMED = "CLAIMED", _("claimed")
        DONE = "DONE", _("done")
        FAILED = "FAILED", _("failed")

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    participant_ids = models.JSONField(default=list)
    # Families whose KK is compared member by member (new members, newborn NIKs).
    family_ids = models.JSONField(default=list)
    size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    differences = models.PositiveIntegerField(default=0)
    applied = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="one_chunk_per_index"),
        ]
        indexes = [models.Index(fields=["run", "state", "index"], name="sync_chunk_claim_idx")]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.index} {self.state}"


class ParticipantSyncState(models.Model):
    """When a participant was last compared with the registry, how often the last run
    checked them (exactly 1 when nothing was done twice), and which verification hold the
    sync itself set, so it never lifts a hold that staff set."""

    participant = models.OneToOneField(
        Participant, primary_key=True, on_delete=models.CASCADE, related_name="dukcapil_state"
    )
    last_checked_at = models.DateTimeField()
    last_run = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.SET_NULL)
    checks_in_last_run = models.PositiveIntegerField(default=0)
    hold_set = models.CharField(max_length=20, choices=RegistryHold.choices, blank=True)

    class Meta:
        verbose_name = _("participant sync state")

    def __str__(self) -> str:
        return f"{self.participant_id} checked {self.last_checked_at:%Y-%m-%d %H:%M}"


class SyncRecordError(models.Model):
    """Why one record (or a chunk) could not be synced: what an operator reads."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="record_errors")
    chunk = models.ForeignKey(
        SyncChunk, null=True, blank=True, on_delete=models.CASCADE, related_name="record_errors"
    )
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(max_length=40)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.message[:60]}"


class Kind(models.TextChoices):
    NAME = "NAME", _("name differs")
    BIRTH_DATE = "BIRTH_DATE", _("birth date differs")
    SEX = "SEX", _("sex differs")
    NIK_UNKNOWN = "NIK_UNKNOWN", _("NIK unknown to Dukcapil")
    NIK_DECEASED = "NIK_DECEASED", _("deceased according to Dukcapil")
    MOVED_KK = "MOVED_KK", _("moved to another KK")
    NEW_KK_MEMBER = "NEW_KK_MEMBER", _("new member on the KK")
    DUPLICATE_NIK = "DUPLICATE_NIK", _("duplicate NIK in our data")
    # DESIGN.md 4.8: also compared (seed 000 names both as causes of PENANGGUHAN).
    ADDRESS = "ADDRESS", _("address differs")
    MARITAL_STATUS = "MARITAL_STATUS", _("marital status differs")
    # A NIK issued for our newborn that does not fit the baby (birth date, sex, or the
    # registry does not list them as a child): staff check it before it is applied.
    NEWBORN_NIK = "NEWBORN_NIK", _("newborn's NIK to check")


# The verification hold (PENANGGUHAN) each kind puts on the participant while it is open.
# A death makes the participant TIDAK AKTIF (DECEASED) instead; a new KK member is an offer
# to the family, not a fault in anyone's data.
HOLD_FOR_KIND: dict[str, str] = {
    Kind.NAME: RegistryHold.DUKCAPIL_MISMATCH,
    Kind.BIRTH_DATE: RegistryHold.DUKCAPIL_MISMATCH,
    Kind.SEX: RegistryHold.DUKCAPIL_MISMATCH,
    Kind.MOVED_KK: RegistryHold.DUKCAPIL_MISMATCH,
    Kind.NIK_UNKNOWN: RegistryHold.NIK_NOT_FOUND,
    Kind.DUPLICATE_NIK: RegistryHold.DUPLICATE_NIK,
    # DESIGN.md 4.8: an address difference is a cause of PENANGGUHAN like a name's.
    Kind.ADDRESS: RegistryHold.DUKCAPIL_MISMATCH,
    Kind.NEWBORN_NIK: RegistryHold.DUKCAPIL_MISMATCH,
}
# When several differences are open, the hardest to fix is the one shown.
HOLD_SEVERITY = [
    RegistryHold.DUPLICATE_NIK,
    RegistryHold.NIK_NOT_FOUND,
    RegistryHold.DUKCAPIL_MISMATCH,
]


class Discrepancy(models.Model):
    class Status(models.TextChoices):
        OPEN = "OPEN", _("open: waiting for staff")
        APPLIED = "APPLIED", _("applied automatically (safe)")
        ACCEPTED = "ACCEPTED", _("registry value accepted")
        KEPT = "KEPT", _("our value kept")
        RESOLVED = "RESOLVED", _("no longer differs")

    DECIDED = (Status.ACCEPTED, Status.KEPT)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dukcapil_discrepancies",
        verbose_name=_("participant"),
    )
    # The family the difference was seen in: a new KK member has no participant yet.
    family = models.ForeignKey(
        FamilyCard,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dukcapil_discrepancies",
        verbose_name=_("family card (KK)"),
    )
    branch = models.ForeignKey(
        BranchOffice, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch office")
    )
    # What makes this difference the same one next time (the registry's value for most
    # kinds, our NIK for an unknown NIK, the member's NIK for a new member).
    key = models.CharField(max_length=255)
    our_value = models.CharField(_("our value"), max_length=255, blank=True)
    registry_value = models.CharField(_("Dukcapil value"), max_length=255, blank=True)
    # What accepting needs (the registry's record of a new member, the other record of a
    # duplicate, the KK moved to).
    detail = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"))
    first_seen_run = models.ForeignKey(
        SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.CharField(_("reason / note"), max_length=255, blank=True)

    class Meta:
        ordering = ["-first_seen_at", "-id"]
        verbose_name = _("Dukcapil discrepancy")
        verbose_name_plural = _("Dukcapil discrepancies")
        constraints = [
            # A difference already recorded is not recorded twice (DESIGN.md 4.8).
            models.UniqueConstraint(
                fields=["participant", "kind", "key"],
                condition=Q(participant__isnull=False),
                name="one_discrepancy_per_participant_kind_key",
            ),
            models.UniqueConstraint(
                fields=["family", "kind", "key"],
                condition=Q(participant__isnull=True),
                name="one_discrepancy_per_family_kind_key",
            ),
            models.CheckConstraint(
                condition=Q(participant__isnull=False) | Q(family__isnull=False),
                name="discrepancy_has_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="KEPT") | ~Q(resolution_note=""),
                name="kept_discrepancy_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="OPEN") | Q(resolved_at__isnull=False),
                name="closed_discrepancy_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "status", "kind"], name="discrepancy_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.our_value} / {self.registry_value}"

    @property
    def hold(self) -> str:
        return HOLD_FOR_KIND.get(self.kind, "")
