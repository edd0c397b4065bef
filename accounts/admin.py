"""Staff tools on participant accounts (issue 9): branch-scoped, read-only, two actions with
a required reason (unlock; send a password-reset message). No password, code or PIN shown."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyInline
from core.errors import DomainError
from core.formatting import mask_number
from messaging.admin import StaffReadOnlyAdmin
from messaging.phone import mask_email, mask_phone

from .models import Account, AccountAuditEntry
from .selectors import accounts_for_staff
from .services.staff import account_is_login_locked, account_send_password_reset, account_unlock


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("A reason is required.")},
    )


AUDIT_FIELDS = ("created_at", "action", "actor", "reason")
ACCOUNT_FIELDS = (
    "participant_name",
    "masked_nik",
    "card_number",
    "login_locked",
    "pin_locked",
    "last_login",
    "email_shown",
    "phone_shown",
    "has_pin",
    "created_at",
)


class AuditInline(ReadOnlyInline):
    model = AccountAuditEntry
    fields = AUDIT_FIELDS
    readonly_fields = AUDIT_FIELDS


@admin.register(Account)
class AccountAdmin(StaffReadOnlyAdmin):
    list_display = ACCOUNT_FIELDS[:8]
    search_fields = ["user__username", "user__participant__card_number", "email_key"]
    fields = ACCOUNT_FIELDS
    readonly_fields = ACCOUNT_FIELDS
    inlines = [AuditInline]
    actions = ["unlock", "send_password_reset"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Account]:
        return accounts_for_staff(user=request.user)  # type: ignore[arg-type]

    @admin.display(description=_("name"))
    def participant_name(self, obj: Account) -> str:
        participant = getattr(obj.user, "participant", None)
        return participant.name if participant else "-"

    @admin.display(description="NIK")
    def masked_nik(self, obj: Account) -> str:
        participant = getattr(obj.user, "participant", None)
        return mask_number(participant.nik) if participant else ""

    @admin.display(description=_("card number"))
    def card_number(self, obj: Account) -> str:
        participant = getattr(obj.user, "participant", None)
        return participant.card_number if participant else ""

    @admin.display(description=_("login locked"), boolean=True)
    def login_locked(self, obj: Account) -> bool:
        return account_is_login_locked(account=obj)

    @admin.display(description=_("PIN locked"), boolean=True)
    def pin_locked(self, obj: Account) -> bool:
        return bool(obj.pin_locked_until and obj.pin_locked_until > timezone.now())

    @admin.display(description=_("last login"))
    def last_login(self, obj: Account) -> Any:
        return obj.user.last_login

    @admin.display(description=_("e-mail (verified)"))
    def email_shown(self, obj: Account) -> str:
        if not obj.email:
            return "-"
        return mask_email(obj.email) + (" ✓" if obj.email_verified_at else "")

    @admin.display(description=_("phone (verified)"))
    def phone_shown(self, obj: Account) -> str:
        if not obj.phone:
            return "-"
        return mask_phone(obj.phone) + (" ✓" if obj.phone_verified_at else "")

    @admin.display(description=_("PIN set"), boolean=True)
    def has_pin(self, obj: Account) -> bool:
        return obj.has_pin

    def _with_reason(
        self, request: HttpRequest, queryset: QuerySet[Account], action: str, title: Any, do: Any
    ) -> HttpResponse | None:
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for account in queryset:
                try:
                    do(account=account, actor=request.user, reason=form.cleaned_data["reason"])
                    done += 1
                except DomainError as exc:
                    self.message_user(request, f"{account}: {exc.message}", messages.ERROR)
            self.message_user(request, _("Done for %(n)d account(s).") % {"n": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "accounts": queryset,
            "action": action,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/reason.html", context)

    @admin.action(description=_("Unlock login and PIN (reason required)"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[Account]) -> HttpResponse | None:
        return self._with_reason(request, queryset, "unlock", _("Unlock accounts"), account_unlock)

    @admin.action(description=_("Send a password-reset message (reason required)"))
    def send_password_reset(
        self, request: HttpRequest, queryset: QuerySet[Account]
    ) -> HttpResponse | None:
        return self._with_reason(
            request,
            queryset,
            "send_password_reset",
            _("Send a password-reset message"),
            account_send_password_reset,
        )
