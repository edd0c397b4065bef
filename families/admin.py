"""Family cards (KK) for branch staff: find a family, see its current and past members.

Read-only: membership changes come from registration and the Dukcapil sync services."""

from typing import Any

from django.contrib import admin
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ReadOnlyInline, ScopedHistoryAdmin, admin_user, masked

from .models import FamilyCard, FamilyMembership
from .selectors import families_for_staff


class FamilyMembershipInline(ReadOnlyInline):
    model = FamilyMembership
    fields = ("participant_link", "relationship", "is_main", "valid_from", "valid_to")
    readonly_fields = fields
    # Current members first, then past ones, newest first.
    ordering = (F("valid_to").desc(nulls_first=True), "-valid_from", "id")
    verbose_name_plural = _("members (current and past)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[FamilyMembership]:
        return super().get_queryset(request).select_related("participant")

    @admin.display(description=_("participant"))
    def participant_link(self, obj: FamilyMembership) -> str:
        url = reverse("admin:participants_participant_change", args=[obj.participant_id])
        return format_html('<a href="{}">{}</a>', url, obj.participant)


@admin.register(FamilyCard)
class FamilyCardAdmin(ReadOnlyAdmin, ScopedHistoryAdmin):
    list_display = ("masked_number", "address", "district", "current_members", "branch")
    list_filter = ("branch",)
    search_fields = ("number",)
    search_help_text = _("Full KK number, or the NIK or card number of a current member.")
    show_full_result_count = False
    inlines = (FamilyMembershipInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[FamilyCard]:
        return families_for_staff(user=admin_user(request)).annotate(
            current_members=Count("memberships", filter=Q(memberships__valid_to__isnull=True))
        )

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self.list_filter if request.user.is_superuser else ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[FamilyCard], search_term: str
    ) -> tuple[QuerySet[FamilyCard], bool]:
        # Exact matches on indexed numbers instead of the default `icontains` scan.
        term = search_term.strip()
        if not term:
            return queryset, False
        member = FamilyMembership.objects.filter(valid_to__isnull=True).filter(
            Q(participant__nik=term) | Q(participant__card_number=term)
        )
        return queryset.filter(Q(number=term) | Q(pk__in=member.values("family_id"))), False

    @admin.display(description=_("KK number"), ordering="number")
    def masked_number(self, obj: FamilyCard) -> str:
        return masked(obj.number)

    @admin.display(description=_("current members"), ordering="current_members")
    def current_members(self, obj: FamilyCard) -> int:
        return obj.current_members  # type: ignore[attr-defined]
