from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.formatting import mask_number

from ..models import Discrepancy, SyncRun


class SyncRunSerializer(serializers.ModelSerializer):
    checked = serializers.IntegerField(source="done")
    new_differences = serializers.IntegerField(source="differences")
    applied_automatically = serializers.IntegerField(source="applied")
    records_failed = serializers.IntegerField(source="errors")

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "kind",
            "state",
            "started_at",
            "finished_at",
            "total",
            "checked",
            "new_differences",
            "applied_automatically",
            "records_failed",
        ]


class NewMemberOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nik = serializers.SerializerMethodField(help_text="Masked.")
    name = serializers.CharField(source="detail.name")
    birth_date = serializers.DateField(source="detail.birth_date")
    sex = serializers.CharField(source="detail.sex")
    relationship = serializers.CharField(source="detail.relationship")

    @extend_schema_field(OpenApiTypes.STR)
    def get_nik(self, offer: Discrepancy) -> str:
        return mask_number(offer.detail.get("nik", ""))


class FamilySyncResultSerializer(serializers.Serializer):
    sync_run = SyncRunSerializer()
    members = serializers.SerializerMethodField()
    new_members = NewMemberOfferSerializer(many=True)

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "card_number": {"type": "string"},
                    "name": {"type": "string"},
                    "status": {"type": "string"},
                    "reason_code": {"type": "string"},
                },
            },
        }
    )
    def get_members(self, result: dict[str, Any]) -> list[dict[str, str]]:
        return [
            {
                "card_number": p.card_number,
                "name": p.name,
                "status": p.status,
                "reason_code": p.status_reason,
            }
            for p in result["members"]
        ]


class DiscrepancySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")
    participant = serializers.SerializerMethodField()
    kk_number = serializers.CharField(source="family.number", allow_null=True, default=None)
    branch = serializers.CharField(source="branch.code")
    resolved_by = serializers.CharField(
        source="resolved_by.username", allow_null=True, default=None
    )

    class Meta:
        model = Discrepancy
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "participant",
            "kk_number",
            "branch",
            "our_value",
            "registry_value",
            "detail",
            "first_seen_at",
            "last_seen_at",
            "resolved_at",
            "resolved_by",
            "resolution_note",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "card_number": {"type": "string"},
                "name": {"type": "string"},
                "status": {"type": "string"},
                "reason_code": {"type": "string"},
            },
        }
    )
    def get_participant(self, d: Discrepancy) -> dict[str, str] | None:
        p = d.participant
        if p is None:
            return None
        return {
            "card_number": p.card_number,
            "name": p.name,
            "status": p.status,
            "reason_code": p.status_reason,
        }


class AcceptSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)
    nik = serializers.RegexField(
        r"^[0-9]{16}$",
        required=False,
        help_text="NIK_UNKNOWN only: the NIK from the KTP/KK, which Dukcapil must know.",
    )


class KeepSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255, help_text="Why our value is kept (required).")
