"""Output and query shapes of the payments API. Money: integer rupiah + formatted string."""

from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.validators import validate_service_date
from participants.api.serializers import MoneyField

from ..models import Bill, Payment
from ..selectors import BillStatement, DendaQuote


class BillLineSerializer(serializers.Serializer):
    card_number = serializers.CharField(source="participant.card_number")
    name = serializers.CharField(source="participant.name")
    kind = serializers.CharField(help_text="MEMBER, or EXTRA: a PPU member beyond five (1%).")
    amount = MoneyField()
    state_subsidy = MoneyField(help_text="Class III: what the government adds per member.")


class BillSerializer(serializers.Serializer):
    month = serializers.SerializerMethodField()
    month_label = serializers.SerializerMethodField()
    due_date = serializers.DateField()
    payer = serializers.CharField(help_text="FAMILY, EMPLOYER (PPU) or STATE (PBI).")
    segment = serializers.CharField(source="segment_id")
    state = serializers.CharField(help_text="OPEN, PAID or WAIVED (arrears beyond 24 months).")
    amount = MoneyField(help_text="For the whole family this month.")
    paid_amount = MoneyField()
    remaining = MoneyField()
    state_subsidy = MoneyField()
    employer_share = MoneyField()
    worker_share = MoneyField()
    settled_at = serializers.DateTimeField(allow_null=True)
    lines = BillLineSerializer(many=True, help_text="The amount per member.")

    @extend_schema_field(OpenApiTypes.STR)
    def get_month(self, bill: Bill) -> str:
        return f"{bill.month:%Y-%m}"

    @extend_schema_field(OpenApiTypes.STR)
    def get_month_label(self, bill: Bill) -> str:
        return formats.date_format(bill.month, "F Y")


class BillSummarySerializer(serializers.Serializer):
    virtual_account = serializers.CharField()
    as_of = serializers.DateField(source="on")
    payer = serializers.CharField(allow_null=True)
    arrears_months = serializers.IntegerField(help_text="Unpaid months before this one.")
    arrears_counted = serializers.IntegerField(help_text="Charged: at most 24.")
    arrears_not_charged = serializers.IntegerField()
    months_to_pay = serializers.SerializerMethodField()
    total_due = MoneyField(help_text="The charged unpaid months, this month included.")
    credit = MoneyField(help_text="Received and held (partial payments).")
    remaining = MoneyField(help_text="What still has to be paid to the virtual account.")
    reactivation_pending = serializers.BooleanField(
        help_text="A payment is settled; the members' status is being updated."
    )

    @extend_schema_field(OpenApiTypes.INT)
    def get_months_to_pay(self, statement: BillStatement) -> int:
        return len(statement.open_bills)


class BillListSerializer(serializers.Serializer):
    """Paginated bills (newest first) with what to pay now."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    summary = BillSummarySerializer()
    results = BillSerializer(many=True)


class PaymentSerializer(serializers.Serializer):
    transaction_id = serializers.CharField()
    channel = serializers.CharField(source="channel.code")
    channel_name = serializers.CharField(source="channel.name")
    virtual_account = serializers.CharField()
    amount = MoneyField()
    allocated = MoneyField(source="allocated_amount", help_text="Paid bills with it.")
    held = MoneyField(source="unallocated", help_text="Kept as credit.")
    result = serializers.CharField(help_text="SETTLED, PARTIAL or CREDIT.")
    result_label = serializers.CharField(source="get_result_display")
    paid_at = serializers.DateTimeField()
    credited_at = serializers.DateTimeField()


class DendaQuerySerializer(serializers.Serializer):
    inacbg_cost = serializers.IntegerField(
        min_value=0,
        max_value=100_000_000_000,
        help_text="Estimated INA-CBG cost of the inpatient stay, whole rupiah.",
        error_messages={"invalid": _("A whole number of rupiah.")},
    )
    date = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_service_date],
        help_text="Admission date, from 2014-01-01 to a year ahead; default today.",
    )
    card_number = serializers.RegexField(
        r"^[0-9]{13}$",
        required=False,
        help_text="A member of your family; default yourself.",
        error_messages={"invalid": _("Card number must be exactly 13 digits.")},
    )


class DendaSerializer(serializers.Serializer):
    card_number = serializers.CharField(source="participant.card_number")
    name = serializers.CharField(source="participant.name")
    inacbg_cost = MoneyField()
    admission_date = serializers.DateField()
    basis = serializers.CharField(
        help_text="WINDOW: reactivated less than 45 days ago; IF_PAID_TODAY: in arrears, "
        "what a stay would cost once reactivated today; NONE: no penalty window."
    )
    window_start = serializers.DateField(allow_null=True)
    window_until = serializers.DateField(allow_null=True)
    in_window = serializers.BooleanField()
    months_in_arrears = serializers.IntegerField()
    months_counted = serializers.IntegerField(help_text="At most 12.")
    penalty = MoneyField(help_text="5% x cost x months counted, at most Rp30.000.000.")
    paid_by_employer = serializers.BooleanField(help_text="PPU: the employer pays it.")

    def to_representation(self, instance: DendaQuote) -> dict[str, Any]:
        return super().to_representation(instance)


class NotificationAnswerSerializer(serializers.Serializer):
    """The same answer for the first delivery and every repeat of it."""

    transaction_id = serializers.CharField()
    channel = serializers.CharField(source="channel.code")
    virtual_account = serializers.CharField()
    amount = MoneyField()
    result = serializers.CharField(
        help_text="SETTLED: bills paid, members reactivated within seconds; PARTIAL: held "
        "until the rest arrives; CREDIT: nothing was due, kept as credit."
    )
    remaining = MoneyField(source="remaining_after", help_text="Still to pay after it.")
    credited_at = serializers.DateTimeField()

    def to_representation(self, instance: Payment) -> dict[str, Any]:
        return super().to_representation(instance)


class NotificationRequestSerializer(serializers.Serializer):
    """Documentation of the signed body; the service parses the raw bytes it verified."""

    transaction_id = serializers.CharField(max_length=64)
    virtual_account = serializers.RegexField(r"^[0-9]{16}$")
    amount = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    paid_at = serializers.DateTimeField()
