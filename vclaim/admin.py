"""Staff issue, rotate and switch off facility credentials for their branch. The secret and
user key are shown once, on the page that answers the issuing POST (never stored in clear,
never put in a message cookie); every write goes through vclaim.services."""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from core.admin import admin_user
from core.errors import ValidationFailed

from .forms import CredentialIssueForm
from .models import FacilityCredential
from .selectors import credentials_for_staff
from .services import (
    IssuedCredential,
    facility_credential_create,
    facility_credential_rotate,
    facility_credential_set_active,
)


@admin.register(FacilityCredential)
class FacilityCredentialAdmin(admin.ModelAdmin):
    list_display = (
        "consumer_id",
        "name",
        "provider_code",
        "branch",
        "is_active",
        "rotated_at",
        "issued_by",
    )
    list_filter = ("is_active",)
    search_fields = ("consumer_id", "name", "provider_code")
    fields = (
        "consumer_id",
        "name",
        "provider_code",
        "branch",
        "account",
        "is_active",
        "created_at",
        "rotated_at",
        "issued_by",
        "previous_valid_until",
    )
    readonly_fields = fields
    change_form_template = "admin/vclaim/facilitycredential/change_form.html"

    def get_queryset(self, request: HttpRequest) -> Any:
        return credentials_for_staff(user=admin_user(request))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Lookups point at the account: switch a credential off instead.
        return False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<int:pk>/rotate/",
                self.admin_site.admin_view(self.rotate_view),
                name="vclaim_facilitycredential_rotate",
            ),
            path(
                "<int:pk>/active/",
                self.admin_site.admin_view(self.active_view),
                name="vclaim_facilitycredential_active",
            ),
        ]
        return own + super().get_urls()

    def _issued_page(self, request: HttpRequest, issued: IssuedCredential) -> HttpResponse:
        response = TemplateResponse(
            request,
            "admin/vclaim/facilitycredential/issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Credential for %(name)s") % {"name": issued.credential.name},
                "issued": issued,
                "base_url": request.build_absolute_uri("/vclaim-rest/"),
                "grace_hours": settings.VCLAIM_ROTATION_GRACE_HOURS,
            },
        )
        add_never_cache_headers(response)
        return response

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not self.has_add_permission(request):
            raise Http404
        user = admin_user(request)
        branch = None if user.is_superuser else user.branch
        form = CredentialIssueForm(request.POST or None, branch=branch)
        if request.method == "POST" and form.is_valid():
            try:
                issued = facility_credential_create(
                    name=form.cleaned_data["name"],
                    provider_code=form.cleaned_data["provider_code"],
                    consumer_id=form.cleaned_data["consumer_id"] or None,
                    branch=form.cleaned_data["branch"],
                    actor=user,
                )
            except ValidationFailed as exc:
                for field, errors in exc.fields.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                return self._issued_page(request, issued)
        return TemplateResponse(
            request,
            "admin/vclaim/facilitycredential/add.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Issue a VClaim credential"),
                "form": form,
            },
            status=400 if request.method == "POST" else 200,
        )

    def _in_scope(self, request: HttpRequest, pk: int) -> FacilityCredential:
        if request.method != "POST" or not self.has_change_permission(request):
            raise Http404
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def rotate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        credential = self._in_scope(request, pk)
        issued = facility_credential_rotate(
            credential=credential,
            actor=admin_user(request),
            new_user_key=request.POST.get("user_key") == "1",
        )
        return self._issued_page(request, issued)

    def active_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        credential = self._in_scope(request, pk)
        active = request.POST.get("active") == "1"
        facility_credential_set_active(
            credential=credential, active=active, actor=admin_user(request)
        )
        messages.success(
            request,
            _("Credential %(id)s switched on.")
            if active
            else _("Credential %(id)s switched off.") % {"id": credential.consumer_id},
        )
        return HttpResponseRedirect(
            reverse("admin:vclaim_facilitycredential_change", args=[credential.pk])
        )
