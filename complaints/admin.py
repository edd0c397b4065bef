"""Branch staff's complaint queue (DESIGN.md 4.7): their branch's complaints, oldest first,
with age and status filters; a complaint page with the conversation, the reply form, the
family's re-sync, and the member's status and history beside it. Every write goes through
complaints.services; scope comes from `complaints_for_staff` in `get_queryset`, so another
branch's complaint (and its attachment) is a 404."""

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import BranchFilterForSuperusers, ExactPersonSearch, admin_user, masked
from core.errors import DomainError
from participants.selectors import participant_status_history

from .downloads import attachment_response
from .models import Complaint, ComplaintStatus
from .report import report_view
from .selectors import complaints_for_staff, with_conversation
from .services import complaint_reply_as_branch, complaint_trigger_resync


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Answer to the participant"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
    )


class AgeFilter(admin.SimpleListFilter):
    title = gettext_lazy("age")
    parameter_name = "age"

    # (value, label, min days, max days)
    BANDS = (
        ("0-1", gettext_lazy("under 1 day"), 0, 1),
        ("1-3", gettext_lazy("1 to 3 days"), 1, 3),
        ("3-5", gettext_lazy("3 to 5 days"), 3, 5),
        ("5+", gettext_lazy("over 5 days"), 5, None),
    )

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(value, label) for value, label, _lo, _hi in self.BANDS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
        now = timezone.now()
        for value, _label, low, high in self.BANDS:
            if self.value() == value:
                queryset = queryset.filter(created_at__lte=now - timedelta(days=low))
                if high is not None:
                    queryset = queryset.filter(created_at__gt=now - timedelta(days=high))
        return queryset


class WaitingFilter(admin.SimpleListFilter):
    """What waits for the branch: not answered yet, or the participant answered last."""

    title = gettext_lazy("waiting for")
    parameter_name = "waiting"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("branch", gettext_lazy("the branch")),
            ("participant", gettext_lazy("the participant")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
        from django.db.models import F, Q

        participant_last = Q(last_participant_reply_at__gt=F("last_branch_reply_at"))
        if self.value() == "branch":
            return queryset.filter(
                Q(status=ComplaintStatus.OPEN)
                | (Q(status=ComplaintStatus.PENANGANAN) & participant_last)
            )
        if self.value() == "participant":
            return queryset.filter(status=ComplaintStatus.PENANGANAN).exclude(participant_last)
        return queryset


@admin.register(Complaint)
class ComplaintAdmin(BranchFilterForSuperusers, ExactPersonSearch):
    list_display = (
        "pk",
        "subject",
        "member",
        "category",
        "status",
        "age",
        "last_branch_reply_at",
        "resync_requested",
    )
    list_display_links = ("pk", "subject")
    list_filter = ("status", WaitingFilter, AgeFilter, "category", "topic", "resync_requested")
    ordering = ("created_at", "id")
    show_full_result_count = False
    change_list_template = "admin/complaints/complaint/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return complaints_for_staff(user=admin_user(request))

    @admin.display(description=gettext_lazy("member"))
    def member(self, obj: Complaint) -> str:
        return f"{obj.participant.name} ({obj.participant.card_number})"

    @admin.display(description=gettext_lazy("age"), ordering="created_at")
    def age(self, obj: Complaint) -> str:
        end = obj.closed_at or timezone.now()
        return timesince(obj.created_at, end, depth=1)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # participants file complaints

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # only the participant deletes, while it is OPEN

    def get_urls(self) -> list[Any]:
        return [
            path(
                "report/",
                self.admin_site.admin_view(self.report),
                name="complaints_complaint_report",
            ),
            path(
                "<path:object_id>/attachment/",
                self.admin_site.admin_view(self.attachment),
                name="complaints_complaint_attachment",
            ),
            *super().get_urls(),
        ]

    def report(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("complaints.view_complaint_report"):
            raise Http404
        return report_view(request, admin_site=self.admin_site, opts=self.model._meta)

    def attachment(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        complaint = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if complaint is None or not complaint.attachment or not self.has_view_permission(request):
            raise Http404
        return attachment_response(complaint)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        complaint = (
            with_conversation(self.get_queryset(request)).filter(pk=unquote(object_id)).first()
        )
        if complaint is None or not self.has_view_permission(request, complaint):
            raise Http404
        can_answer = self.has_change_permission(request, complaint)
        form = StaffReplyForm()
        if request.method == "POST" and can_answer:
            user = admin_user(request)
            try:
                if "resync" in request.POST:
                    complaint_trigger_resync(complaint=complaint, actor=user)
                    self.message_user(
                        request, _("Dukcapil re-sync of the family started."), messages.SUCCESS
                    )
                    return HttpResponseRedirect(request.path)
                form = StaffReplyForm(request.POST)
                if form.is_valid():
                    complaint_reply_as_branch(
                        complaint=complaint, actor=user, text=form.cleaned_data["text"]
                    )
                    self.message_user(request, _("Answer sent."), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:complaints_complaint_changelist"))
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
                return HttpResponseRedirect(request.path)
        participant = complaint.participant
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(complaint),
            "original": complaint,
            "complaint": complaint,
            "replies": list(complaint.replies.all()),
            "participant": participant,
            "nik": masked(participant.nik),
            "history": participant_status_history(participant=participant)[:20],
            "form": form,
            "can_answer": can_answer and not complaint.is_finished,
            "can_resync": can_answer,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/complaints/complaint/answer.html", context)
