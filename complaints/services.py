"""Every write of the complaint flow (DESIGN.md 4.7, STYLE.md 2).

Each transition locks the complaint row and checks its status inside the transaction, so a
participant's reply and the auto-close job never both win: whichever commits first decides,
and the other sees the new status."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.enqueue import enqueue_on_commit
from core.errors import DomainError, ValidationFailed
from core.models import User
from families.selectors import current_memberships
from participants.models import Participant

from .models import Category, Complaint, ComplaintStatus, Reply, Topic
from .storage import attachment_check


class ComplaintStateError(DomainError):
    """The complaint's status does not allow this step (409 with a code)."""


def _refuse(code: str, message: object) -> ComplaintStateError:
    return ComplaintStateError(message, code=code)  # type: ignore[arg-type]


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _clean_text(value: str, *, field: str, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(
            _("Fill in %(field)s.") % {"field": field}, fields={field: [_("Required.")]}
        )
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long.") % {"field": field},
            fields={field: [_("At most %(n)d characters.") % {"n": max_length}]},
        )
    return text


@transaction.atomic
def complaint_file(
    *,
    filed_by: User,
    member: Participant,
    category: str,
    subject: str,
    text: str,
    topic: str = Topic.GENERAL,
    attachment: File | None = None,
    resync_requested: bool = False,
    client_key: str = "",
    now: datetime | None = None,
) -> Complaint:
    """A participant files a complaint about a member of their own current family. With a
    `client_key` (the API's Idempotency-Key) the same key returns the complaint it filed."""
    if client_key:
        earlier = Complaint.objects.filter(filed_by=filed_by, client_key=client_key).first()
        if earlier is not None:
            return earlier
    if category not in Category.values:
        raise ValidationFailed(
            _("Choose a category."), fields={"category": [_("KELUHAN or INFORMASI.")]}
        )
    if topic not in Topic.values:
        raise ValidationFailed(_("Unknown topic."), fields={"topic": [_("Unknown topic.")]})
    subject = _clean_text(subject, field="subject", max_length=120)
    text = _clean_text(text, field="text", max_length=4000)
    # The member must be in the filer's own current family, checked in one query.
    membership = (
        current_memberships()
        .filter(
            participant=member,
            family__memberships__valid_to__isnull=True,
            family__memberships__participant__user=filed_by,
            participant__retired_at__isnull=True,
        )
        .select_related("family")
        .first()
    )
    if membership is None:
        raise ValidationFailed(
            _("Choose a member of your own family."),
            fields={"participant": [_("Not a member of your family.")]},
        )
    checked = attachment_check(upload=attachment) if attachment else None
    complaint = Complaint(
        family=membership.family,
        participant=member,
        branch_id=membership.family.branch_id,
        filed_by=filed_by,
        category=category,
        topic=topic,
        subject=subject,
        text=text,
        resync_requested=resync_requested,
        client_key=client_key[:64],
        created_at=now or timezone.now(),
    )
    if checked:
        complaint.attachment.save(checked.stored_name, checked.file, save=False)
        complaint.attachment_name = checked.name
        complaint.attachment_type = checked.content_type
        complaint.attachment_size = checked.size
    try:
        complaint.save()
    except Exception:
        if checked:
            complaint.attachment.delete(save=False)  # no orphan file for a row never written
        raise
    return complaint


@transaction.atomic
def complaint_delete(*, complaint: Complaint, actor: User) -> None:
    """The participant deletes their complaint while the branch has not answered it yet."""
    complaint = _locked(complaint)
    if complaint.status != ComplaintStatus.OPEN:
        raise _refuse(
            "COMPLAINT_NOT_OPEN",
            gettext_lazy("Only a complaint the branch has not answered yet can be deleted."),
        )
    name = complaint.attachment.name
    storage = complaint.attachment.storage
    complaint.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def complaint_reply_as_branch(
    *, complaint: Complaint, actor: User, text: str, now: datetime | None = None
) -> Reply:
    """Staff answer: OPEN or PENANGANAN becomes PENANGANAN; the 5-day clock restarts."""
    text = _clean_text(text, field="text", max_length=4000)
    complaint = _locked(complaint)
    if complaint.is_finished:
        raise _refuse(
            "COMPLAINT_FINISHED", gettext_lazy("This complaint is finished; it takes no replies.")
        )
    now = now or timezone.now()
    reply = Reply.objects.create(
        complaint=complaint, side=Reply.Side.BRANCH, author=actor, text=text, created_at=now
    )
    complaint.status = ComplaintStatus.PENANGANAN
    complaint.last_branch_reply_at = now
    complaint.first_branch_reply_at = complaint.first_branch_reply_at or now
    complaint.save(update_fields=["status", "last_branch_reply_at", "first_branch_reply_at"])
    # Tell the participant now rather than at the next minute's pass (by task name: the
    # notifications app sits above this one).
    enqueue_on_commit("notifications.tasks.collect_notifications")
    return reply


@transaction.atomic
def complaint_reply_as_participant(
    *, complaint: Complaint, actor: User, text: str, now: datetime | None = None
) -> Reply:
    """The participant's Tanggapan: only while the branch is handling the complaint."""
    text = _clean_text(text, field="text", max_length=4000)
    complaint = _locked(complaint)
    if complaint.status != ComplaintStatus.PENANGANAN:
        raise _refuse(
            "COMPLAINT_NOT_IN_HANDLING",
            gettext_lazy("You can reply once the branch has answered, until it is finished."),
        )
    now = now or timezone.now()
    reply = Reply.objects.create(
        complaint=complaint, side=Reply.Side.PARTICIPANT, author=actor, text=text, created_at=now
    )
    complaint.last_participant_reply_at = now
    complaint.save(update_fields=["last_participant_reply_at"])
    return reply


@transaction.atomic
def complaint_mark_done(
    *, complaint: Complaint, actor: User, now: datetime | None = None
) -> Complaint:
    """The participant marks the complaint done (Selesai)."""
    complaint = _locked(complaint)
    if complaint.status != ComplaintStatus.PENANGANAN:
        raise _refuse(
            "COMPLAINT_NOT_IN_HANDLING",
            gettext_lazy("Only a complaint the branch is handling can be marked done."),
        )
    complaint.status = ComplaintStatus.SELESAI
    complaint.closed_at = now or timezone.now()
    complaint.save(update_fields=["status", "closed_at"])
    return complaint


@transaction.atomic
def complaint_trigger_resync(
    *, complaint: Complaint, actor: User, now: datetime | None = None
) -> Complaint:
    """Staff start the Dukcapil sync of the complaint's family (after commit, by Celery)."""
    complaint = _locked(complaint)
    now = now or timezone.now()
    complaint.resync_triggered_at = now
    complaint.save(update_fields=["resync_triggered_at"])
    Reply.objects.create(
        complaint=complaint, side=Reply.Side.SYSTEM, event=Reply.Event.RESYNC, created_at=now
    )
    # dukcapil_sync's own per-family sync, by task name: complaints never imports that app.
    enqueue_on_commit("dukcapil_sync.tasks.sync_family", complaint.family_id, actor.pk)
    return complaint


def autoclose_deadline(last_branch_reply_at: datetime) -> datetime:
    return last_branch_reply_at + timedelta(days=settings.COMPLAINT_AUTO_CLOSE_DAYS)


@dataclass(frozen=True)
class AutoCloseResult:
    closed: list[int]


@transaction.atomic
def complaints_autoclose(*, now: datetime | None = None, limit: int = 1000) -> AutoCloseResult:
    """Close complaints in PENANGANAN whose participant has not answered for
    COMPLAINT_AUTO_CLOSE_DAYS after the branch's last reply.

    The deadline comes from the reply timestamps, not from when the job runs: `closed_at` is
    the branch's last reply + 5 days. The conditional UPDATE re-checks every condition, so a
    participant reply committed meanwhile keeps the complaint open, and running the job twice
    closes nothing twice."""
    now = now or timezone.now()
    days = settings.COMPLAINT_AUTO_CLOSE_DAYS
    cutoff = now - timedelta(days=days)
    waiting = Q(status=ComplaintStatus.PENANGANAN, last_branch_reply_at__lte=cutoff) & (
        Q(last_participant_reply_at__isnull=True)
        | Q(last_participant_reply_at__lt=F("last_branch_reply_at"))
    )
    ids = list(
        Complaint.objects.filter(waiting)
        .select_for_update(skip_locked=True)
        .order_by("last_branch_reply_at")
        .values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return AutoCloseResult(closed=[])
    Complaint.objects.filter(waiting, pk__in=ids).update(
        status=ComplaintStatus.CLOSED,
        closed_at=F("last_branch_reply_at") + timedelta(days=days),
    )
    closed = [
        (pk, closed_at)
        for pk, closed_at in Complaint.objects.filter(
            pk__in=ids, status=ComplaintStatus.CLOSED
        ).values_list("pk", "closed_at")
        if closed_at is not None
    ]
    Reply.objects.bulk_create(
        Reply(
            complaint_id=pk,
            side=Reply.Side.SYSTEM,
            event=Reply.Event.AUTO_CLOSED,
            created_at=closed_at,
        )
        for pk, closed_at in closed
    )
    return AutoCloseResult(closed=[pk for pk, _closed_at in closed])
