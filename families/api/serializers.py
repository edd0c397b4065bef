from typing import Any, cast

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.formatting import mask_number
from participants.api.serializers import MoneyField, StatusSerializer

from ..selectors import FamilyView, MemberView


class MemberSerializer(serializers.Serializer):
    card_number = serializers.CharField(source="participant.card_number")
    nik = serializers.SerializerMethodField(
        help_text="Full NIK for the caller themself; masked for other members."
    )
    birth_certificate_number = serializers.SerializerMethodField(
        help_text="Masked; a baby registered before a NIK keeps it after the NIK arrives."
    )
    name = serializers.CharField(source="participant.name")
    birth_date = serializers.DateField(source="participant.birth_date")
    sex = serializers.CharField(source="participant.sex")
    relationship = serializers.CharField(source="membership.relationship")
    relationship_label = serializers.CharField(source="membership.get_relationship_display")
    is_main = serializers.BooleanField(source="membership.is_main")
    segment = serializers.CharField(source="participant.segment.code")
    segment_name = serializers.CharField(source="participant.segment.name")
    care_class = serializers.IntegerField(source="participant.care_class")
    fktp = serializers.SerializerMethodField()
    status = StatusSerializer()

    @extend_schema_field(OpenApiTypes.STR)
    def get_nik(self, member: MemberView) -> str:
        viewer_id = self.context.get("viewer_id")
        nik = member.participant.nik or ""
        return nik if member.participant.pk == viewer_id else mask_number(nik)

    @extend_schema_field(OpenApiTypes.STR)
    def get_birth_certificate_number(self, member: MemberView) -> str:
        return mask_number(member.participant.birth_certificate_number)

    @extend_schema_field(
        {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}}
    )
    def get_fktp(self, member: MemberView) -> dict[str, str]:
        return {"code": member.participant.fktp.code, "name": member.participant.fktp.name}


class UnitSerializer(serializers.Serializer):
    payer = serializers.CharField(help_text="FAMILY (to the VA), EMPLOYER (PPU) or STATE (PBI).")
    segment = serializers.CharField(source="segment_id")
    amount = MoneyField(help_text="This month, for the members this payer pays for.")
    employer_share = MoneyField()
    worker_share = MoneyField()
    card_numbers = serializers.SerializerMethodField()

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_card_numbers(self, unit: Any) -> list[str]:
        cards = self.context["cards"]
        return [cards[line.participant_id] for line in unit.lines]


class FamilySerializer(serializers.Serializer):
    kk_number = serializers.SerializerMethodField()
    address = serializers.CharField(source="family.address")
    virtual_account = serializers.CharField(source="family.virtual_account")
    monthly_contribution = MoneyField(
        source="payment_unit.monthly_amount",
        help_text="This month, to the virtual account (the family's and the employer's bills).",
    )
    amount_due = MoneyField(
        source="payment_unit.amount_due",
        help_text="What a payment now must cover: unpaid months (at most 24) plus this month.",
    )
    contributions = serializers.SerializerMethodField()
    as_of = serializers.DateField(source="on")
    all_active = serializers.BooleanField()
    members = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_kk_number(self, view: FamilyView) -> str:
        # The caller's own KK: a family member may see it in full.
        return view.family.number

    @extend_schema_field(UnitSerializer(many=True))
    def get_contributions(self, view: FamilyView) -> list[dict[str, Any]]:
        cards = {m.participant.pk: m.participant.card_number for m in view.members}
        units = [view.charges.this_month[p] for p in sorted(view.charges.this_month)]
        return list(UnitSerializer(units, many=True, context={"cards": cards}).data)

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, view: FamilyView) -> list[dict[str, Any]]:
        members = MemberSerializer(
            view.members, many=True, context={**self.context, "viewer_id": view.viewer.pk}
        )
        return cast(list[dict[str, Any]], members.data)  # many=True: a list (stubs say dict)


class MemberDetailSerializer(MemberSerializer):
    status_history = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "changed_at": {"type": "string", "format": "date-time"},
                    "old_status": {"type": "string"},
                    "status": {"type": "string"},
                    "reason_code": {"type": "string"},
                    "cause": {"type": "string"},
                    "cause_label": {"type": "string"},
                    "note": {"type": "string"},
                },
            },
        }
    )
    def get_status_history(self, member: MemberView) -> list[dict[str, Any]]:
        return [
            {
                "changed_at": c.changed_at,
                "old_status": c.old_status,
                "status": c.status,
                "reason_code": c.reason,
                "cause": c.cause,
                "cause_label": c.get_cause_display(),
                "note": c.note,
            }
            for c in self.context["history"]
        ]
