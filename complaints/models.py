"""Complaints (pengaduan, DESIGN.md 4.7): filed by a participant about a member of their
family, answered by the staff of the family's branch.

OPEN (the branch has not answered; the participant may delete it) -> PENANGANAN (the branch
replied; the participant may answer) -> SELESAI (the participant marked it done) or CLOSED
(no participant reply for 5 days after the branch's last reply: closed by a job).

The reply timestamps kept on the complaint are what the auto-close job and the branch report
read, so neither has to scan the conversation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import BranchOffice
from families.models import FamilyCard
from participants.models import Participant

from .storage import PrivateAttachmentStorage

# The branch head's group (created by migration complaints.0002): staff rights plus the report.
BRANCH_HEAD_GROUP_NAME = "Kepala Kantor Cabang"


class Category(models.TextChoices):
    KELUHAN = "KELUHAN", pgettext_lazy("complaint category", "complaint")
    INFORMASI = "INFORMASI", pgettext_lazy("complaint category", "information request")


class Topic(models.TextChoices):
    """What a pre-filled complaint from Info Peserta is about (GENERAL: typed by the person)."""

    GENERAL = "GENERAL", _("general")
    STATUS_MISMATCH = "STATUS_MISMATCH", _("status is not right")
    MEMBER_MISSING = "MEMBER_MISSING", _("a family member is missing")


class ComplaintStatus(models.TextChoices):
    OPEN = "OPEN", _("open")
    PENANGANAN = "PENANGANAN", _("being handled")
    SELESAI = "SELESAI", _("done")
    CLOSED = "CLOSED", _("closed")


class Complaint(models.Model):
    family = models.ForeignKey(FamilyCard, on_delete=models.PROTECT, related_name="complaints")
    participant = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("member"),
    )
    # The family's branch when it was filed: the staff who answer it (scope of the queue).
    branch = models.ForeignKey(
        BranchOffice,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("branch office"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints_filed"
    )
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    topic = models.CharField(
        _("topic"), max_length=16, choices=Topic.choices, default=Topic.GENERAL
    )
    subject = models.CharField(_("subject"), max_length=120)
    text = models.TextField(_("text"), max_length=4000)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.OPEN,
        db_index=True,
    )

    # One optional attachment (image or PDF), stored outside the web root; served only by
    # complaints.views.attachment to those who may see the complaint.
    attachment = models.FileField(
        upload_to="complaints/%Y/%m/", storage=PrivateAttachmentStorage(), blank=True
    )
    attachment_name = models.CharField(max_length=120, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)

    # The participant asked for a Dukcapil re-sync of the family; staff trigger it from here.
    resync_requested = models.BooleanField(_("re-sync requested"), default=False)
    resync_triggered_at = models.DateTimeField(null=True, blank=True)

    # Idempotency-Key of the API request that filed it: a retried request files nothing twice.
    client_key = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(_("filed at"), db_index=True)
    first_branch_reply_at = models.DateTimeField(null=True, blank=True)
    last_branch_reply_at = models.DateTimeField(null=True, blank=True)
    last_participant_reply_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        permissions = [("view_complaint_report", "Can view the branch's complaint report")]
        indexes = [
            models.Index(fields=["branch", "status", "created_at"], name="complaint_queue_idx"),
            models.Index(
                fields=["last_branch_reply_at"],
                condition=Q(status="PENANGANAN"),
                name="complaint_autoclose_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["filed_by", "client_key"],
                condition=~Q(client_key=""),
                name="one_complaint_per_idempotency_key",
            ),
            # Only the branch's reply moves a complaint out of OPEN.
            models.CheckConstraint(
                condition=Q(status="OPEN") | Q(first_branch_reply_at__isnull=False),
                name="handled_complaint_has_branch_reply",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["OPEN", "PENANGANAN"]) | Q(closed_at__isnull=False),
                name="finished_complaint_has_close_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ComplaintStatus.SELESAI, ComplaintStatus.CLOSED)

    @property
    def status_colour(self) -> str:
        return {
            ComplaintStatus.OPEN: "amber",
            ComplaintStatus.PENANGANAN: "blue",
            ComplaintStatus.SELESAI: "green",
            ComplaintStatus.CLOSED: "grey",
        }[ComplaintStatus(self.status)]


class Reply(models.Model):
    """One message in a complaint's conversation (Tanggapan)."""

    class Side(models.TextChoices):
        PARTICIPANT = "PARTICIPANT", _("participant")
        BRANCH = "BRANCH", _("branch office")
        # Notes the portal writes itself: closed by the job, re-sync triggered.
        SYSTEM = "SYSTEM", _("system")

    class Event(models.TextChoices):
        NONE = "", "-"
        AUTO_CLOSED = "AUTO_CLOSED", _("closed automatically")
        RESYNC = "RESYNC", _("Dukcapil re-sync started")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="replies")
    side = models.CharField(max_length=12, choices=Side.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(max_length=4000, blank=True)
    # SYSTEM notes carry an event and no text: each reader sees it in their own language.
    event = models.CharField(max_length=12, choices=Event.choices, blank=True, default="")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(side="SYSTEM") | (Q(author__isnull=False) & ~Q(text="")),
                name="person_reply_has_author_and_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def display_text(self) -> str:
        if self.event == self.Event.AUTO_CLOSED:
            return str(
                _(
                    "Closed automatically: no reply from the participant within %(days)d days "
                    "after the branch's last answer. File a new complaint if the problem remains."
                )
                % {"days": settings.COMPLAINT_AUTO_CLOSE_DAYS}
            )
        if self.event == self.Event.RESYNC:
            return str(_("The branch started a Dukcapil re-sync of the family."))
        return self.text
