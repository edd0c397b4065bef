"""Staff see the data changes of their branch's participants and reverse one with a reason;
they mark an FKTP of their branch full. Thin over selectors and services."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from core.auth import signed_in_user
from core.errors import DomainError
from core.formatting import mask_number

from .models import DataChange, FacilityCapacity
from .selectors import changes_for_staff, facilities_for_staff
from .services import change_reverse, facility_capacity_set


class ReverseForm(forms.Form):
    reverse_reason = forms.CharField(label=_("Reason"), max_length=200)


@admin.register(DataChange)
class DataChangeAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "member",
        "kind",
        "old_label",
        "new_label",
        "effective_on",
        "state",
        "requested_by",
    ]
    list_filter = ["kind", "state", "effective_on"]
    search_fields = ["participant__nik", "participant__card_number", "participant__name"]
    date_hierarchy = "created_at"
    list_select_related = ["participant", "request__requested_by"]
    readonly_fields = [f.name for f in DataChange._meta.fields]
    change_form_template = "admin/changes/datachange/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[DataChange]:
        return changes_for_staff(user=signed_in_user(request))

    @admin.display(description=_("member"))
    def member(self, obj: DataChange) -> str:
        return f"{obj.participant.name} ({mask_number(obj.participant.nik or '')})"

    @admin.display(description=_("requested by"))
    def requested_by(self, obj: DataChange) -> str:
        return mask_number(obj.request.requested_by.username)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:pk>/reverse/",
                self.admin_site.admin_view(self.reverse_view),
                name="changes_datachange_reverse",
            ),
            *super().get_urls(),
        ]

    def reverse_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        # Scope in the queryset: another branch's change is "not found".
        change = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, change):
            return HttpResponseRedirect(reverse("admin:changes_datachange_changelist"))
        form = ReverseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                change_reverse(
                    change=change,
                    actor=signed_in_user(request),
                    reason=form.cleaned_data["reverse_reason"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
            else:
                self.message_user(request, _("The change was reversed."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:changes_datachange_change", args=[change.pk])
                )
        return render(
            request,
            "admin/changes/datachange/reverse.html",
            {
                **self.admin_site.each_context(request),
                "change": change,
                "form": form,
                "opts": self.model._meta,
                "title": _("Reverse a data change"),
            },
        )


class CapacityForm(forms.ModelForm):
    class Meta:
        model = FacilityCapacity
        fields = ["facility", "is_full", "note"]


@admin.register(FacilityCapacity)
class FacilityCapacityAdmin(admin.ModelAdmin):
    list_display = ["facility", "is_full", "note", "changed_by", "changed_at"]
    list_filter = ["is_full"]
    search_fields = ["facility__name", "facility__code"]
    form = CapacityForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[FacilityCapacity]:
        return facilities_for_staff(user=signed_in_user(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "facility":
            user = signed_in_user(request)
            from participants.models import Facility

            qs = Facility.objects.all()
            if not (user.is_superuser or user.role == user.Role.ADMIN):
                qs = qs.filter(branch_id=user.branch_id)
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: FacilityCapacity, form: Any, change: bool
    ) -> None:
        # The service writes (scope, who and when); the admin only collects the input.
        saved = facility_capacity_set(
            facility=obj.facility,
            actor=signed_in_user(request),
            is_full=obj.is_full,
            note=obj.note,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
