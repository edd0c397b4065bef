"""Shared output shapes for a participant's status (used by family and eligibility APIs)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.formatting import mask_number, rupiah
from participants.status import StatusResult


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {
            "amount": {"type": "integer", "description": "whole rupiah"},
            "formatted": {"type": "string", "example": "Rp150.000"},
        },
    }
)
class MoneyField(serializers.Field):
    """Money: integer rupiah plus a formatted string (DESIGN.md 5)."""

    def to_representation(self, value: int | None) -> dict[str, Any] | None:
        if value is None:
            return None
        return {"amount": value, "formatted": rupiah(value)}


class StatusNoteSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="ARREARS, AWAITING_FIRST_PAYMENT, REACTIVATION_PENALTY or NIK_NOT_ISSUED."
    )
    text = serializers.CharField()
    amount = MoneyField(allow_null=True)
    until = serializers.DateField(allow_null=True)


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    colour = serializers.CharField()
    reason_code = serializers.CharField(source="reason")
    reason_text = serializers.CharField(source="explanation")
    remedy = serializers.CharField()
    arrears_months = serializers.IntegerField()
    amount_due = MoneyField(allow_null=True)
    penalty_until = serializers.DateField(allow_null=True)
    penalty_months = serializers.IntegerField()
    notes = StatusNoteSerializer(
        many=True, help_text="Further facts that hold at the same time, with their amounts."
    )

    def to_representation(self, instance: StatusResult) -> dict[str, Any]:
        return super().to_representation(instance)


def masked(value: str | None) -> str:
    return mask_number(value)
