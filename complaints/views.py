"""Pengaduan pages for the participant, the attachment download (participant and staff) and
the Bantuan page. Scope: the caller's own family (or branch, for staff) in the queryset;
anything else answers 404 like a complaint that does not exist."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.models import User
from families.selectors import FamilyView, family_view_for_user

from .downloads import attachment_response
from .forms import ComplaintForm, ReplyForm
from .models import Category, Complaint, ComplaintStatus, Topic
from .selectors import complaints_for_participant_user, complaints_for_user, with_conversation
from .services import (
    complaint_delete,
    complaint_file,
    complaint_mark_done,
    complaint_reply_as_participant,
)
from .throttles import ComplaintFileThrottle


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _family(request: HttpRequest) -> FamilyView:
    view = family_view_for_user(user=_user(request), on=timezone.localdate())
    if view is None:
        raise Http404
    return view


def _own_complaint(request: HttpRequest, pk: int) -> Complaint:
    complaint = with_conversation(complaints_for_participant_user(user=_user(request))).filter(
        pk=pk
    )
    found = complaint.first()
    if found is None:
        raise Http404
    return found


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    _family(request)  # participants only
    complaints = complaints_for_participant_user(user=_user(request)).order_by("-created_at", "-id")
    return render(request, "complaints/list.html", {"complaints": complaints[:200]})


def _prefill(view: FamilyView, topic: str, card_number: str) -> dict[str, object]:
    """The texts Info Peserta's "Ajukan pengaduan" buttons start from."""
    member = view.member(card_number) or next(
        m for m in view.members if m.participant == view.viewer
    )
    initial: dict[str, object] = {"participant": member.participant.card_number}
    if topic == Topic.STATUS_MISMATCH:
        initial.update(
            topic=topic,
            category=Category.KELUHAN,
            resync_requested=True,
            subject=_("Participant status is not right"),
            text=_(
                "Info Peserta shows the status of %(name)s (card %(card)s) as %(status)s "
                "(%(reason)s), but I believe this is not right because: "
            )
            % {
                "name": member.participant.name,
                "card": member.participant.card_number,
                "status": member.status.status_label,
                "reason": member.status.explanation,
            },
        )
    elif topic == Topic.MEMBER_MISSING:
        initial.update(
            topic=topic,
            category=Category.KELUHAN,
            resync_requested=True,
            subject=_("A family member does not appear"),
            text=_(
                "A member of my family card (KK %(kk)s) does not appear in Info Peserta. "
                "Name and NIK of the missing member: "
            )
            % {"kk": view.family.number},
        )
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    view = _family(request)
    members = [(m.participant.card_number, m.participant.name) for m in view.members]
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, members=members)
        throttle = ComplaintFileThrottle()
        if form.is_valid() and not throttle.allow_request(request, None):  # type: ignore[arg-type]
            minutes = max(1, int((throttle.wait() or 60) // 60))
            form.add_error(
                None,
                _("You filed many complaints recently. Try again in %(m)d minutes.")
                % {"m": minutes},
            )
        if form.is_valid():
            data = form.cleaned_data
            member = view.member(data["participant"])
            assert member is not None  # the choices are the family's members
            try:
                complaint = complaint_file(
                    filed_by=_user(request),
                    member=member.participant,
                    category=data["category"],
                    topic=data.get("topic") or Topic.GENERAL,
                    subject=data["subject"],
                    text=data["text"],
                    attachment=cast(UploadedFile | None, data.get("attachment")),
                    resync_requested=data["resync_requested"],
                )
            except DomainError as error:
                for field, errors in error.fields.items():
                    form.add_error(field if field in form.fields else None, errors)
                if not error.fields:
                    form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Complaint #%(id)d sent to %(branch)s.")
                    % {"id": complaint.pk, "branch": complaint.branch.name},
                )
                return redirect("complaints:detail", pk=complaint.pk)
    else:
        topic = request.GET.get("topic", "")
        initial = _prefill(view, topic, request.GET.get("member", ""))
        initial.setdefault("participant", view.viewer.card_number)
        form = ComplaintForm(initial=initial, members=members)
    return render(request, "complaints/new.html", {"form": form, "view": view})


def _detail(
    request: HttpRequest, complaint: Complaint, reply_form: ReplyForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "replies": list(complaint.replies.all()),
            "reply_form": reply_form,
            "can_reply": complaint.status == ComplaintStatus.PENANGANAN,
            "can_delete": complaint.status == ComplaintStatus.OPEN,
            "autoclose_days": settings.COMPLAINT_AUTO_CLOSE_DAYS,
        },
        status=status,
    )


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _own_complaint(request, pk), ReplyForm())


@login_required
@require_POST
def complaint_reply(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _own_complaint(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            complaint_reply_as_participant(
                complaint=complaint, actor=_user(request), text=form.cleaned_data["text"]
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("complaints:detail", pk=pk)
    return _detail(request, _own_complaint(request, pk), form, status=400)


@login_required
@require_POST
def complaint_done(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _own_complaint(request, pk)
    try:
        complaint_mark_done(complaint=complaint, actor=_user(request))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Complaint marked done. Thank you."))
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def complaint_remove(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _own_complaint(request, pk)
    try:
        complaint_delete(complaint=complaint, actor=_user(request))
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("complaints:detail", pk=pk)
    messages.success(request, _("Complaint #%(id)d deleted.") % {"id": pk})
    return redirect("complaints:list")


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The attachment, to the complaint's family or its branch's staff only."""
    complaint = complaints_for_user(user=_user(request)).filter(pk=pk).first()
    if complaint is None or not complaint.attachment:
        raise Http404
    return attachment_response(complaint)


def help_page(request: HttpRequest) -> HttpResponse:
    """Bantuan: where to turn, and the answers the guides give. Open to anyone; a logged-in
    participant also sees their own branch office."""
    branch = None
    user = _user(request)
    if user.is_authenticated and user.role == User.Role.PARTICIPANT:
        view = family_view_for_user(user=user, on=timezone.localdate())
        branch = view.family.branch if view else None
    return render(
        request,
        "complaints/help.html",
        {"branch": branch, "autoclose_days": settings.COMPLAINT_AUTO_CLOSE_DAYS},
    )
