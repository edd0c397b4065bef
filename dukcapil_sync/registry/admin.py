from django.contrib import admin
from django.http import HttpRequest

from .models import Person, RegistryFamilyCard, RegistryMembership, RegistrySettings


class MembershipInline(admin.TabularInline):
    # Read-only: membership history is changed through the registry_event command, so that
    # a move always ends the old row instead of someone editing it away.
    model = RegistryMembership
    extra = 0
    can_delete = False
    fields = readonly_fields = ("person", "family_card", "relationship", "valid_from", "valid_to")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("nik", "name", "birth_date", "sex", "is_alive", "date_of_death", "updated_at")
    list_filter = ("is_alive", "sex")
    search_fields = ("nik", "name")
    readonly_fields = ("updated_at",)
    inlines = [MembershipInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> tuple:
        # The NIK is the primary key: editing it would create a second person.
        return ("nik", *self.readonly_fields) if obj else self.readonly_fields


@admin.register(RegistryFamilyCard)
class RegistryFamilyCardAdmin(admin.ModelAdmin):
    list_display = ("kk_number", "head_nik", "district_code", "address", "updated_at")
    search_fields = ("kk_number", "head_nik")
    readonly_fields = ("updated_at",)
    inlines = [MembershipInline]


@admin.register(RegistryMembership)
class RegistryMembershipAdmin(admin.ModelAdmin):
    list_display = ("person", "family_card", "relationship", "valid_from", "valid_to")
    list_filter = ("relationship",)
    search_fields = ("person__nik", "family_card__kk_number")
    list_select_related = ("person", "family_card")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RegistrySettings)
class RegistrySettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "latency_ms", "error_rate", "outage")
    list_editable = ("latency_ms", "error_rate", "outage")
    list_display_links = ("__str__",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: without it the Django settings REGISTRY_LATENCY_MS/ERROR_RATE apply.
        return not RegistrySettings.objects.exists()
