"""Registrations of the staff member's branch: drafts, submitted (awaiting the first payment,
paid) and expired. The rows are read-only; staff register a family at the counter with the
two pages here (reason and KK, then members, class, contact and consent), which call the same
services as the family's own flow (`services.counter`)."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.auth import signed_in_user
from core.errors import DomainError
from core.formatting import mask_number, rupiah
from core.models import Region, User
from messaging.admin import StaffReadOnlyAdmin

from . import services
from .forms import CounterStartForm, CounterSubmitForm
from .models import Registration
from .selectors import facilities_near, registration_public_state, registrations_for_staff


def _errors_onto(form: Form, error: DomainError, *, rename: dict[str, str]) -> None:
    """A service's refusal as form errors: on the field it names, else above the form."""
    placed = False
    for field, errors in error.fields.items():
        name = rename.get(field, field)
        if name in form.fields:
            for e in errors:
                form.add_error(name, str(e))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


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

    # --- registration at the counter ---------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "counter/",
                self.admin_site.admin_view(self.counter_start_view),
                name="registrations_registration_counter",
            ),
            path(
                "<int:pk>/counter/",
                self.admin_site.admin_view(self.counter_submit_view),
                name="registrations_registration_counter_submit",
            ),
            *super().get_urls(),
        ]

    def _counter_staff(self, request: HttpRequest) -> User:
        user = signed_in_user(request)
        if user.role != User.Role.STAFF or user.branch_id is None:
            raise PermissionDenied
        return user

    def _render(self, request: HttpRequest, template: str, **context: Any) -> HttpResponse:
        return render(
            request,
            f"admin/registrations/registration/{template}",
            {**self.admin_site.each_context(request), "opts": self.model._meta, **context},
        )

    def counter_start_view(self, request: HttpRequest) -> HttpResponse:
        user = self._counter_staff(request)
        form = CounterStartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                registration = services.counter_registration_start(
                    actor=user,
                    counter_reason=form.cleaned_data["counter_reason"],
                    kk_number=form.cleaned_data["kk_number"],
                    terms_accepted=form.cleaned_data["terms_accepted"],
                )
            except DomainError as exc:
                _errors_onto(form, exc, rename={})
            else:
                return HttpResponseRedirect(
                    reverse(
                        "admin:registrations_registration_counter_submit", args=[registration.pk]
                    )
                )
        return self._render(
            request,
            "counter_start.html",
            form=form,
            title=gettext("Register a family at the counter"),
        )

    def counter_submit_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        user = self._counter_staff(request)
        # Scope in the queryset: another branch's draft is "not found".
        registration = get_object_or_404(
            self.get_queryset(request).exclude(counter_reason=""),
            pk=pk,
            state=Registration.State.DRAFT,
        )
        today = timezone.localdate()
        members = services.required_members(registration)
        district = Region.objects.get(code=registration.data["kk"]["district_code"])
        quotes = {
            c: gettext("%(member)s per member, %(total)s a month for %(n)d")
            % {
                "member": rupiah(q["per_member"]),
                "total": rupiah(q["total"]),
                "n": q["members"],
            }
            for c in (1, 2, 3)
            for q in [services.class_quote(registration=registration, care_class=c, on=today)]
        }
        form = CounterSubmitForm(
            request.POST or None,
            members=members,
            facilities=[(f.pk, f.name) for f in facilities_near(district=district)],
            quotes=quotes,
        )
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                done = services.counter_registration_submit(
                    registration=registration,
                    actor=user,
                    members=form.member_rows(),
                    care_class=d["care_class"],
                    email=d["email"],
                    phone=d["phone"],
                    consent=d["consent"],
                    on=today,
                )
            except DomainError as exc:
                rename = {f"members.{nik}.fktp_id": f"fktp_{nik}" for nik in form.member_niks}
                _errors_onto(form, exc, rename=rename)
            else:
                assert done.family is not None and done.va_expires_on is not None
                self.message_user(
                    request,
                    gettext(
                        "KK %(kk)s is registered: the members are TIDAK AKTIF until the first "
                        "payment of %(amount)s to virtual account %(va)s (valid until %(day)s, "
                        "also e-mailed to the family)."
                    )
                    % {
                        "kk": mask_number(done.kk_number),
                        "amount": rupiah(services.first_payment_amount(done.family, on=today)),
                        "va": done.virtual_account,
                        "day": done.va_expires_on.strftime("%d-%m-%Y"),
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:registrations_registration_change", args=[done.pk])
                )
        return self._render(
            request,
            "counter_submit.html",
            form=form,
            registration=registration,
            everyone=registration.data.get("members", []),
            title=gettext("Register a family at the counter"),
        )
