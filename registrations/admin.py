"""Registrations of the staff member's branch: drafts, submitted (awaiting the first payment,
paid) and expired. Read-only: staff register a family at the counter through the same pages
as everyone (with a reason), linked from the list."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formatting import mask_number
from messaging.admin import StaffReadOnlyAdmin

from .models import Registration
from .selectors import registration_public_state, registrations_for_staff


@admin.register(Registration)
class RegistrationAdmin(StaffReadOnlyAdmin):
    change_list_template = "admin/registrations/registration/change_list.html"
    list_display = [
        "created_at",
        "kind",
        "current_state",
        "step",
        "masked_kk",
        "branch",
        "counter",
        "virtual_account",
        "va_expires_on",
    ]
    list_filter = ["state", "kind", "step"]
    search_fields = ["kk_number", "virtual_account"]
    readonly_fields = [
        "public_id",
        "kind",
        "current_state",
        "step",
        "masked_kk",
        "branch",
        "created_by",
        "counter_reason",
        "contact_email",
        "family",
        "virtual_account",
        "va_expires_on",
        "va_issued_count",
        "created_at",
        "expires_at",
        "submitted_at",
        "members",
    ]
    fields = tuple(readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        return registrations_for_staff(user=request.user)  # type: ignore[arg-type]

    @admin.display(description=_("state"))
    def current_state(self, obj: Registration) -> str:
        return registration_public_state(registration=obj, on=timezone.localdate())

    @admin.display(description=_("KK number"), ordering="kk_number")
    def masked_kk(self, obj: Registration) -> str:
        return mask_number(obj.kk_number)

    @admin.display(description=_("at the counter"), boolean=True)
    def counter(self, obj: Registration) -> bool:
        return bool(obj.counter_reason)

    @admin.display(description=_("members"))
    def members(self, obj: Registration) -> str:
        rows: list[dict[str, Any]] = obj.data.get("members", [])
        return "; ".join(f"{m['name']} ({m['relationship']}, {m['case']})" for m in rows)
