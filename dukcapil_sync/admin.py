"""Branch staff's Dukcapil queue and the sync runs (DESIGN.md 1, 4.8).

The queue shows our value and Dukcapil's side by side; staff accept the registry's value or
keep ours with a reason. Both go through `dukcapil_sync.services` (STYLE.md 6), scope comes
from `discrepancies_for_staff` in `get_queryset`, so another branch's row is a 404."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import (
    BranchFilterForSuperusers,
    ExactPersonSearch,
    ReadOnlyAdmin,
    ReadOnlyInline,
    admin_user,
    masked,
)
from core.errors import DomainError
from families.selectors import families_for_staff

from .models import Discrepancy, Kind, SyncChunk, SyncRecordError, SyncRun
from .selectors import discrepancies_for_staff, sync_runs_for_staff
from .services import discrepancy_accept, discrepancy_keep, family_sync


class AcceptForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=100)
    nik = forms.RegexField(
        r"^[0-9]{16}$",
        label=gettext_lazy("Correct NIK (from the KTP/KK)"),
        required=False,
        help_text=gettext_lazy("Only for a NIK unknown to Dukcapil."),
    )


class KeepForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for keeping our value"),
        max_length=100,
        widget=forms.TextInput(attrs={"size": 60}),
    )


class FamilySyncForm(forms.Form):
    kk_number = forms.RegexField(r"^[0-9]{16}$", label=gettext_lazy("KK number"))


@admin.register(Discrepancy)
class DiscrepancyAdmin(BranchFilterForSuperusers, ExactPersonSearch):
    list_display = (
        "kind",
        "subject",
        "our_value",
        "registry_value",
        "status",
        "first_seen_at",
        "last_seen_at",
    )
    list_filter = ("status", "kind")
    list_select_related = ("participant", "family", "branch")
    show_full_result_count = False
    actions = ("accept_selected", "keep_selected")
    ordering = ("-first_seen_at", "-id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Discrepancy]:
        return discrepancies_for_staff(user=admin_user(request))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The queue opens on what waits for staff.
        if not request.GET and request.method == "GET":
            return HttpResponseRedirect(f"{request.path}?status__exact=OPEN")
        return super().changelist_view(request, extra_context)

    @admin.display(description=gettext_lazy("participant / KK"))
    def subject(self, obj: Discrepancy) -> str:
        if obj.participant:
            return f"{obj.participant.name} ({obj.participant.card_number})"
        return f"KK {masked(obj.family.number if obj.family else '')}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the sync finds differences; nobody types them in

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the queue is the audit trail of decisions

    # -- deciding one --

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        discrepancy = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if discrepancy is None:
            raise Http404
        can_decide = (
            self.has_change_permission(request, discrepancy)
            and discrepancy.status == Discrepancy.Status.OPEN
        )
        accept_form, keep_form = AcceptForm(prefix="accept"), KeepForm(prefix="keep")
        if request.method == "POST" and can_decide:
            decided = self._decide(request, discrepancy)
            if decided is not None:
                return decided
            accept_form = AcceptForm(request.POST, prefix="accept")
            keep_form = KeepForm(request.POST, prefix="keep")
            accept_form.is_valid()
            keep_form.is_valid()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(discrepancy),
            "discrepancy": discrepancy,
            "can_decide": can_decide,
            "accept_form": accept_form,
            "keep_form": keep_form,
            "needs_nik": discrepancy.kind == Kind.NIK_UNKNOWN,
            "original": discrepancy,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/dukcapil_sync/discrepancy/decide.html", context)

    def _decide(self, request: HttpRequest, discrepancy: Discrepancy) -> HttpResponse | None:
        user = admin_user(request)
        try:
            if "accept" in request.POST:
                accept = AcceptForm(request.POST, prefix="accept")
                if not accept.is_valid():
                    return None
                discrepancy_accept(
                    discrepancy=discrepancy,
                    actor=user,
                    note=accept.cleaned_data["note"],
                    nik=accept.cleaned_data["nik"] or None,
                )
                self.message_user(request, _("Dukcapil's value accepted."), messages.SUCCESS)
            elif "keep" in request.POST:
                keep = KeepForm(request.POST, prefix="keep")
                if not keep.is_valid():
                    return None
                discrepancy_keep(
                    discrepancy=discrepancy, actor=user, reason=keep.cleaned_data["reason"]
                )
                self.message_user(request, _("Our value kept."), messages.SUCCESS)
            else:
                return None
        except DomainError as error:
            self.message_user(request, str(error.message), messages.ERROR)
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:dukcapil_sync_discrepancy_changelist"))

    # -- deciding many --

    @admin.action(description=gettext_lazy("Accept Dukcapil's value"), permissions=["change"])
    def accept_selected(self, request: HttpRequest, queryset: QuerySet[Discrepancy]) -> None:
        user, done, skipped = admin_user(request), 0, []
        for discrepancy in queryset.filter(status=Discrepancy.Status.OPEN):
            if discrepancy.kind == Kind.NIK_UNKNOWN:
                skipped.append(str(discrepancy))  # needs the right NIK: one at a time
                continue
            try:
                discrepancy_accept(discrepancy=discrepancy, actor=user)
                done += 1
            except DomainError as error:
                skipped.append(f"{discrepancy}: {error.message}")
        self.message_user(
            request, _("%(n)d accepted.") % {"n": done}, messages.SUCCESS if done else messages.INFO
        )
        if skipped:
            self.message_user(
                request,
                _("Not accepted: %(list)s") % {"list": "; ".join(skipped)},
                messages.WARNING,
            )

    @admin.action(
        description=gettext_lazy("Keep our value (with a reason)"), permissions=["change"]
    )
    def keep_selected(
        self, request: HttpRequest, queryset: QuerySet[Discrepancy]
    ) -> HttpResponse | None:
        queryset = queryset.filter(status=Discrepancy.Status.OPEN)
        confirmed = "keep_confirm" in request.POST
        form = KeepForm(request.POST if confirmed else None, prefix="keep")
        if confirmed and form.is_valid():
            user, done = admin_user(request), 0
            for discrepancy in queryset:
                discrepancy_keep(
                    discrepancy=discrepancy, actor=user, reason=form.cleaned_data["reason"]
                )
                done += 1
            self.message_user(request, _("%(n)d kept.") % {"n": done}, messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/dukcapil_sync/discrepancy/keep_many.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Keep our value"),
                "queryset": queryset,
                "form": form,
                "action": "keep_selected",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )


class SyncChunkInline(ReadOnlyInline):
    model = SyncChunk
    fields = ("index", "state", "size", "attempts", "done", "differences", "errors", "last_error")
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[SyncChunk]:
        # Failed and retried chunks first: what the operator looks for.
        return super().get_queryset(request).exclude(state=SyncChunk.State.DONE, last_error="")


class SyncRecordErrorInline(ReadOnlyInline):
    model = SyncRecordError
    fields = ("created_at", "participant", "code", "message")
    readonly_fields = fields
    verbose_name_plural = gettext_lazy("why records failed")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SyncRecordError]:
        return super().get_queryset(request).select_related("participant")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = (
        "pk",
        "kind",
        "state",
        "trigger",
        "started_at",
        "finished_at",
        "progress",
        "differences",
        "applied",
        "errors",
    )
    list_filter = ("kind", "state", "trigger")
    date_hierarchy = "started_at"
    inlines = (SyncChunkInline, SyncRecordErrorInline)
    fields = (
        "kind",
        "state",
        "trigger",
        "family",
        "participant",
        "requested_by",
        "job_run",
        "started_at",
        "finished_at",
        "total",
        "done",
        "differences",
        "applied",
        "errors",
        "chunks_total",
        "chunks_done",
        "chunks_failed",
        "stops",
        "report",
    )
    readonly_fields = fields
    change_list_template = "admin/dukcapil_sync/syncrun/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SyncRun]:
        return sync_runs_for_staff(user=admin_user(request))

    @admin.display(description=gettext_lazy("done/total"))
    def progress(self, obj: SyncRun) -> str:
        return f"{obj.done}/{obj.total}"

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()
        return [
            path(
                "sync-family/",
                self.admin_site.admin_view(self.sync_family_view),
                name="dukcapil_sync_syncrun_sync_family",
            ),
            *urls,
        ]

    def sync_family_view(self, request: HttpRequest) -> HttpResponse:
        """Staff: sync one family of their branch now (for example after a complaint)."""
        if not self.has_view_permission(request):
            raise Http404
        form = FamilySyncForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            user = admin_user(request)
            family = (
                families_for_staff(user=user).filter(number=form.cleaned_data["kk_number"]).first()
            )
            if family is None:
                form.add_error("kk_number", _("No family card with this number in your branch."))
            else:
                try:
                    run = family_sync(family=family, trigger=SyncRun.Trigger.STAFF, actor=user)
                except DomainError as error:
                    self.message_user(request, str(error.message), messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("Family synced: %(n)d new differences.") % {"n": run.differences},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:dukcapil_sync_syncrun_change", args=[run.pk])
                    )
        return TemplateResponse(
            request,
            "admin/dukcapil_sync/syncrun/sync_family.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Sync a family with Dukcapil"),
                "form": form,
            },
        )
