"""Branch staff's participant pages: search, filters, audited corrections, status history.

Scope comes from `participants_for_staff`; every correction goes through
`participant_correct` (STYLE.md 6), which writes the history row with the reason."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from core.admin import (
    BranchFilterForSuperusers,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ScopedHistoryAdmin,
    SuperuserEditableAdmin,
    admin_user,
    masked,
)
from core.errors import ValidationFailed
from core.models import User
from core.nik import nik_region_warning

from .forms_admin import ParticipantCorrectionForm
from .models import (
    ContributionRate,
    EligibilityLookup,
    Facility,
    Participant,
    Segment,
    StatusChange,
)
from .selectors import eligibility_lookups_for_staff, participants_for_staff
from .services import participant_correct


def _facilities_for(user: User) -> QuerySet[Facility]:
    qs = Facility.objects.all()
    return qs if user.is_superuser else qs.filter(branch_id=user.branch_id)


class BranchFacilityFilter(admin.RelatedFieldListFilter):
    """FKTP filter offering only the facilities of the staff member's branch."""

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list:
        return [(f.pk, str(f)) for f in _facilities_for(admin_user(request)).order_by("name")]


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = (
        "changed_at",
        "old_status",
        "old_reason",
        "status",
        "reason",
        "cause",
        "note",
        "actor",
    )
    readonly_fields = fields
    ordering = ("-changed_at", "-id")
    verbose_name_plural = _("status history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusChange]:
        return super().get_queryset(request).select_related("actor")


@admin.register(Participant)
class ParticipantAdmin(BranchFilterForSuperusers, ScopedHistoryAdmin):
    form = ParticipantCorrectionForm
    list_display = (
        "card_number",
        "name",
        "masked_nik",
        "masked_phone",
        "status",
        "status_reason",
        "segment",
        "fktp",
        "branch",
    )
    list_filter = ("status", "status_reason", "segment", ("fktp", BranchFacilityFilter))
    search_fields = ("nik", "card_number", "name")
    search_help_text = _("Full NIK, card number or KK number; or part of a name.")
    show_full_result_count = False
    inlines = (StatusChangeInline,)
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "card_number",
                    "nik",
                    "nik_region_note",
                    "birth_certificate_number",
                    "name",
                    "birth_place",
                    "birth_date",
                    "sex",
                    "marital_status",
                    "in_formal_education",
                    "phone",
                    "email",
                )
            },
        ),
        (
            _("Membership"),
            {
                "fields": (
                    "segment",
                    "care_class",
                    "fktp",
                    "branch",
                    "salary",
                    "user",
                    "coverage_start",
                    "coverage_end",
                    "coverage_end_reason",
                    "date_of_death",
                    "registry_hold",
                    "hold_note",
                )
            },
        ),
        (
            _("Status (derived; changed only by services)"),
            {
                "fields": (
                    "status",
                    "status_reason",
                    "status_changed_at",
                    "paid_through",
                    "reactivated_on",
                    "reactivation_arrears_months",
                    "retired_at",
                    "merged_into",
                    "updated_at",
                )
            },
        ),
        (_("Correction"), {"fields": ("change_reason",)}),
    )
    readonly_fields = (
        "card_number",
        "nik_region_note",
        "branch",
        "user",
        "status",
        "status_reason",
        "status_changed_at",
        "paid_through",
        "reactivated_on",
        "reactivation_arrears_months",
        "retired_at",
        "merged_into",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participant]:
        return participants_for_staff(user=admin_user(request))

    @admin.display(description=_("NIK region"))
    def nik_region_note(self, obj: Participant) -> str:
        # A NIK keeps its region code for life (DESIGN.md 4.2): a warning, never a refusal.
        return nik_region_warning(obj.nik) or "OK"

    def get_fieldsets(self, request: HttpRequest, obj: Participant | None = None) -> Any:
        # A view-only account gets no reason box: it cannot correct anything.
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if self.has_change_permission(request, obj) else fieldsets[:-1]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Participant], search_term: str
    ) -> tuple[QuerySet[Participant], bool]:
        # Exact matches on the indexed numbers, not the default `icontains` scan.
        term = search_term.strip()
        if not term:
            return queryset, False
        if not term.isdigit():
            return queryset.filter(name__icontains=term), False
        in_current_kk = Participant.objects.filter(
            memberships__valid_to__isnull=True, memberships__family__number=term
        ).values("pk")
        return queryset.filter(Q(nik=term) | Q(card_number=term) | Q(pk__in=in_current_kk)), False

    def get_form(
        self,
        request: HttpRequest,
        obj: Participant | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "fktp" in form.base_fields:
            # Staff assign only their branch's FKTP; the current one stays valid if it moved.
            allowed = Q(pk__in=_facilities_for(admin_user(request)).values("pk"))
            if obj is not None:
                allowed |= Q(pk=obj.fktp_id)
            form.base_fields["fktp"].queryset = Facility.objects.filter(allowed)
        return form

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registration is a participant/service flow, not a staff form

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # card numbers are never reused; duplicates are merged, not deleted

    def save_model(
        self, request: HttpRequest, obj: Participant, form: ParticipantCorrectionForm, change: bool
    ) -> None:
        participant_correct(
            participant=obj,
            actor=admin_user(request),
            reason=form.cleaned_data["change_reason"],
            changes=form.correction_changes(),
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # The form repeats the service's checks; this catches what changed in between (the
        # transaction around save_model has rolled back by the time we get here).
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationFailed as exc:
            self.message_user(request, str(exc.message), messages.ERROR)
            return HttpResponseRedirect(request.path)

    @admin.display(description="NIK", ordering="nik")
    def masked_nik(self, obj: Participant) -> str:
        return masked(obj.nik)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Participant) -> str:
        return masked(obj.phone)


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "payer")


@admin.register(ContributionRate)
class ContributionRateAdmin(ReadOnlyAdmin):
    """A new regulation is a new rate with a later valid_from (DESIGN.md 4.3): a superuser may
    add one; existing rates stay as they were, since past bills were computed from them."""

    list_display = (
        "segment",
        "care_class",
        "valid_from",
        "monthly_amount",
        "participant_amount",
        "salary_percent",
        "salary_ceiling",
        "regulation",
    )
    list_filter = ("segment", "care_class")
    list_select_related = ("segment",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@admin.register(Facility)
class FacilityAdmin(SuperuserEditableAdmin):
    list_display = ("code", "name", "kind", "district", "branch")
    list_filter = ("kind", "branch")
    search_fields = ("code", "name")
    list_select_related = ("district", "branch")
    autocomplete_fields = ("district", "branch")


@admin.register(EligibilityLookup)
class EligibilityLookupAdmin(ReadOnlyAdmin):
    """Who asked about whom, when and through which channel (REST API or VClaim facade).
    Staff see lookups about their branch's participants and by their branch's facility
    accounts, which includes the numbers tried that matched nobody."""

    list_display = (
        "asked_at",
        "account",
        "channel",
        "kind",
        "masked_number",
        "participant_name",
        "service_date",
        "result",
        "client_address",
    )
    list_filter = ("channel", "result", "kind")
    search_fields = ("=asked_number", "=participant__card_number", "account__username")
    date_hierarchy = "asked_at"
    show_full_result_count = False
    fields = list_display

    def get_queryset(self, request: HttpRequest) -> QuerySet[EligibilityLookup]:
        return eligibility_lookups_for_staff(user=admin_user(request))

    @admin.display(description=_("number asked"))
    def masked_number(self, obj: EligibilityLookup) -> str:
        return masked(obj.asked_number)

    @admin.display(description=_("participant"))
    def participant_name(self, obj: EligibilityLookup) -> str:
        if obj.participant is None:
            return "-"
        if not getattr(obj, "participant_visible", False):
            return str(_("(another branch)"))
        return str(obj.participant)
