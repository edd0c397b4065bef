"""Branch staff's payments pages: bills, payments, the notification inbox (with the audited
"match to a virtual account" for unknown VAs), the reactivation log, minimum wages.

Scope comes from `payments.selectors.*_for_staff`; every write goes through a service."""

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import (
    ReadOnlyAdmin,
    ReadOnlyInline,
    ScopedHistoryAdmin,
    SuperuserOnly,
    admin_user,
    masked,
)
from core.errors import DomainError
from core.formatting import rupiah
from participants.models import MinimumWage

from .models import (
    Bill,
    BillLine,
    Payment,
    PaymentChannel,
    PaymentNotification,
    Reactivation,
)
from .selectors import (
    bills_for_staff,
    family_for_staff_by_va,
    notifications_for_staff,
    payments_for_staff,
    reactivations_for_staff,
)
from .services import notification_match


def _money(value: int | None) -> str:
    return "-" if value is None else rupiah(value)


class BillLineInline(ReadOnlyInline):
    model = BillLine
    fields = ("participant", "kind", "amount_display", "subsidy_display")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[BillLine]:
        return super().get_queryset(request).select_related("participant")

    @admin.display(description=_("amount"))
    def amount_display(self, obj: BillLine) -> str:
        return rupiah(obj.amount)

    @admin.display(description=_("government subsidy"))
    def subsidy_display(self, obj: BillLine) -> str:
        return rupiah(obj.state_subsidy)


@admin.register(Bill)
class BillAdmin(ReadOnlyAdmin):
    list_display = (
        "kk",
        "month",
        "payer",
        "amount_display",
        "paid_display",
        "state",
        "due_date",
        "settled_at",
    )
    list_filter = ("state", "payer", "segment")
    date_hierarchy = "month"
    search_fields = ("family__number", "family__virtual_account")
    search_help_text = _("Full KK number or virtual account.")
    show_full_result_count = False
    inlines = (BillLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Bill]:
        return bills_for_staff(user=admin_user(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Bill], search_term: str
    ) -> tuple[QuerySet[Bill], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(family__number=term) | queryset.filter(
            family__virtual_account=term
        ), False

    @admin.display(description=_("KK number"))
    def kk(self, obj: Bill) -> str:
        return masked(obj.family.number)

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Bill) -> str:
        return rupiah(obj.amount)

    @admin.display(description=_("paid"))
    def paid_display(self, obj: Bill) -> str:
        return rupiah(obj.paid_amount)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin, ScopedHistoryAdmin):
    list_display = (
        "transaction_id",
        "channel",
        "virtual_account",
        "amount_display",
        "allocated_display",
        "result",
        "paid_at",
        "credited_at",
        "matched_by",
    )
    list_filter = ("result", "channel")
    date_hierarchy = "credited_at"
    search_fields = ("transaction_id", "virtual_account")
    search_help_text = _("Transaction id or virtual account.")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return payments_for_staff(user=admin_user(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Payment], search_term: str
    ) -> tuple[QuerySet[Payment], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(transaction_id=term) | queryset.filter(virtual_account=term), False

    @admin.display(description=_("amount"), ordering="amount")
    def amount_display(self, obj: Payment) -> str:
        return rupiah(obj.amount)

    @admin.display(description=_("allocated to bills"))
    def allocated_display(self, obj: Payment) -> str:
        return rupiah(obj.allocated_amount)


class MatchForm(forms.Form):
    virtual_account = forms.RegexField(
        r"^[0-9]{16}$",
        label=_("virtual account of the family"),
        error_messages={"invalid": _("Exactly 16 digits.")},
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=100,
        help_text=_("How you checked it, e.g. the bank's confirmation reference."),
    )


@admin.register(PaymentNotification)
class PaymentNotificationAdmin(ReadOnlyAdmin, ScopedHistoryAdmin):
    """The reconciliation inbox. Unmatched: signed, but for a VA no family has."""

    list_display = (
        "received_at",
        "channel_code",
        "transaction_id",
        "virtual_account",
        "amount_display",
        "outcome",
        "error_code",
        "signature_valid",
        "match_link",
    )
    list_filter = ("outcome", "error_code", "signature_valid", "channel")
    date_hierarchy = "received_at"
    search_fields = ("transaction_id", "virtual_account")
    show_full_result_count = False
    readonly_fields = (
        "received_at",
        "channel_code",
        "channel",
        "timestamp_header",
        "signature_valid",
        "body",
        "transaction_id",
        "virtual_account",
        "amount",
        "paid_at",
        "outcome",
        "error_code",
        "payment",
        "resolved_at",
        "resolved_by",
        "resolution_note",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[PaymentNotification]:
        return notifications_for_staff(user=admin_user(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[PaymentNotification], search_term: str
    ) -> tuple[QuerySet[PaymentNotification], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(transaction_id=term) | queryset.filter(virtual_account=term), False

    @admin.display(description=_("amount"))
    def amount_display(self, obj: PaymentNotification) -> str:
        return _money(obj.amount)

    def _can_match(self, request: HttpRequest) -> bool:
        return request.user.has_perm("payments.change_paymentnotification")

    @admin.display(description=_("match"))
    def match_link(self, obj: PaymentNotification) -> str:
        if obj.outcome != PaymentNotification.Outcome.UNMATCHED or not obj.signature_valid:
            return ""
        url = reverse("admin:payments_paymentnotification_match", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("match to a VA"))

    def get_urls(self) -> list:
        return [
            path(
                "<int:object_id>/match/",
                self.admin_site.admin_view(self.match_view),
                name="payments_paymentnotification_match",
            ),
            *super().get_urls(),
        ]

    def match_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Staff match a signed notification with an unknown VA to a family of their branch;
        `notification_match` credits it and writes the audit row with the reason."""
        if not self._can_match(request):
            raise PermissionDenied
        notification = self.get_queryset(request).filter(pk=object_id).first()
        if notification is None:
            raise Http404
        form = MatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            family = family_for_staff_by_va(
                user=admin_user(request), virtual_account=form.cleaned_data["virtual_account"]
            )
            if family is None:
                form.add_error(
                    "virtual_account", _("No family of your branch has this virtual account.")
                )
            else:
                try:
                    payment = notification_match(
                        notification=notification,
                        family=family,
                        actor=admin_user(request),
                        reason=form.cleaned_data["reason"],
                    )
                except DomainError as exc:
                    form.add_error(None, str(exc.message))
                else:
                    self.message_user(
                        request,
                        _("Credited %(amount)s to %(va)s (%(result)s).")
                        % {
                            "amount": rupiah(payment.amount),
                            "va": payment.virtual_account,
                            "result": payment.get_result_display(),
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:payments_paymentnotification_changelist")
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Match a payment notification to a virtual account"),
            "notification": notification,
            "form": form,
        }
        return render(request, "admin/payments/match_notification.html", context)


@admin.register(Reactivation)
class ReactivationAdmin(ReadOnlyAdmin):
    list_display = (
        "family",
        "payment",
        "confirmed_on",
        "paid_through",
        "arrears_months",
        "state",
        "created_at",
        "done_at",
        "status_changes",
    )
    list_filter = ("state",)
    date_hierarchy = "created_at"
    search_fields = ("family__number", "payment__transaction_id")
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reactivation]:
        return reactivations_for_staff(user=admin_user(request))


@admin.register(PaymentChannel)
class PaymentChannelAdmin(SuperuserOnly, admin.ModelAdmin):
    """Superusers only. The secret is never shown, except once when a new one is made."""

    list_display = ("code", "name", "is_active", "is_simulation", "has_secret")
    fields = ("code", "name", "is_active", "is_simulation")
    actions = ("new_secret",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(boolean=True, description=_("secret set"))
    def has_secret(self, obj: PaymentChannel) -> bool:
        return bool(obj.secret)

    @admin.action(description=_("Make a new HMAC secret (shown once)"))
    def new_secret(self, request: HttpRequest, queryset: QuerySet[PaymentChannel]) -> None:
        for channel in queryset:
            channel.secret = secrets.token_hex(32)
            channel.save(update_fields=["secret"])
            self.message_user(
                request,
                _("New secret of %(code)s (give it to the channel, it is not shown again): %(s)s")
                % {"code": channel.code, "s": channel.secret},
                messages.WARNING,
            )


@admin.register(MinimumWage)
class MinimumWageAdmin(ReadOnlyAdmin):
    """A new year's UMP/UMK is a new row with a later valid_from; past bills keep theirs."""

    list_display = ("region", "valid_from", "amount_display", "source")
    list_filter = ("valid_from",)
    search_fields = ("region__name", "region__code")
    list_select_related = ("region",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.display(description=_("monthly minimum wage"))
    def amount_display(self, obj: MinimumWage) -> str:
        return rupiah(obj.monthly_amount)
