"""Admin for reference data, accounts and job runs, plus the bases the other apps' admins share.

Branch staff work in the Django admin (DESIGN.md 1); what they may see is decided by the
selectors in `get_queryset`, what they may write only by services."""

from typing import Any, ClassVar, cast

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .formatting import mask_number
from .models import BranchOffice, JobRun, Region, User

# The group the data migration core.0003 creates; staff accounts are put in it.

admin.site.site_header = _("JKN Portal: branch office")
admin.site.site_title = _("JKN Portal admin")
# No "Lihat situs": the participant pages are for participants; staff would get a 404 there.
admin.site.site_url = None


def admin_user(request: HttpRequest) -> User:
    # Every admin view runs behind `admin_site.admin_view`: the user is a logged-in staff member.
    return cast(User, request.user)


def masked(value: str | None) -> str:
    """NIK, KK and phone numbers are personal data: lists show only their ends."""
    return mask_number(value) or "-"


class ExactPersonSearch(admin.ModelAdmin):
    """Search by a full card number, NIK or KK number, matched exactly: personal numbers are
    looked up whole (a partial NIK would list strangers), and an exact match uses the index."""

    person_search_lookups: tuple[str, ...] = (
        "participant__card_number",
        "participant__nik",
        "family__number",
    )
    search_fields = ("participant__card_number",)  # shows the box; the lookups decide
    search_help_text = _("Full card number, NIK or KK number.")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        query = Q()
        for lookup in self.person_search_lookups:
            query |= Q(**{lookup: term})
        return queryset.filter(query), False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Reference data is shipped by migrations or written by jobs, never edited by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their owner that only jobs and services write (history, members)."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperuserOnly:
    """Mixed into an admin that only superusers may see or use (accounts, payment channels)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class BranchFilterForSuperusers:
    """Mixed into an admin whose rows belong to a branch: staff see only their own branch (the
    selectors in `get_queryset`), so only a superuser is offered the branch filter."""

    list_filter: ClassVar[Any]

    def get_list_filter(self, request: HttpRequest) -> Any:
        if request.user.is_superuser:
            return (*self.list_filter, "branch")
        return self.list_filter


class ScopedHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin limited to the objects `get_queryset` allows.

    Its history views otherwise load historical rows by primary key alone (another branch's
    data) and accept a POST that reverts an object past the services: both are closed here."""

    def _in_scope(self, request: HttpRequest, object_id: str) -> None:
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        self._in_scope(request, object_id)
        if request.method != "GET":
            # Reverting would write without a reason and around the service.
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    show_full_result_count = False


class SuperuserEditableAdmin(ReadOnlyAdmin):
    """Set-up data of an installation (branch offices, FKTP): a superuser adds and corrects
    it here or with the import commands; staff only read it; nobody deletes it (participants
    and history point to it)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(BranchOffice)
class BranchOfficeAdmin(SuperuserEditableAdmin):
    list_display = ("code", "name", "regency")
    search_fields = ("code", "name")
    list_select_related = ("regency",)
    autocomplete_fields = ("regency",)


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyAdmin):
    list_display = ("name", "state", "started_at", "finished_at", "progress", "changed")
    list_filter = ("state", "name")
    date_hierarchy = "started_at"

    @admin.display(description=_("done/total"))
    def progress(self, obj: JobRun) -> str:
        return f"{obj.done}/{obj.total}"


@admin.register(User)
class JknUserAdmin(SuperuserOnly, UserAdmin):
    """Accounts are a superuser's business only: staff never see or grant accounts."""

    fieldsets = (*(UserAdmin.fieldsets or ()), (_("JKN"), {"fields": ("role", "branch")}))
    add_fieldsets = (*UserAdmin.add_fieldsets, (_("JKN"), {"fields": ("role", "branch")}))
    list_display = ("username", "first_name", "last_name", "role", "branch", "is_staff")
    list_filter = ("role", "branch", "is_staff", "is_superuser", "is_active", "groups")
    list_select_related = ("branch",)
