from rest_framework import serializers

from core.formatting import rupiah

from ..models import DataChange


class ChangeSerializer(serializers.ModelSerializer):
    request_id = serializers.UUIDField(source="request.pk")
    card_number = serializers.CharField(source="participant.card_number")
    name = serializers.CharField(source="participant.name")
    kind_label = serializers.CharField(source="get_kind_display")
    state_label = serializers.CharField(source="get_state_display")
    from_value = serializers.CharField(source="old_label")
    to_value = serializers.CharField(source="new_label")

    class Meta:
        model = DataChange
        fields = [
            "id",
            "request_id",
            "card_number",
            "name",
            "kind",
            "kind_label",
            "state",
            "state_label",
            "from_value",
            "to_value",
            "effective_on",
            "created_at",
            "applied_at",
            "cancelled_at",
            "reversed_at",
            "reverse_reason",
        ]


class SkippedSerializer(serializers.Serializer):
    card_number = serializers.CharField()
    name = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()
    possible_from = serializers.DateField(allow_null=True)


class RequestedSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    needs_code = serializers.BooleanField()
    needs_pin = serializers.BooleanField()
    code_sent_to = serializers.CharField()
    changes = ChangeSerializer(many=True)
    skipped = SkippedSerializer(many=True)


def requested_data(requested) -> dict:  # type: ignore[no-untyped-def]
    return {
        "request_id": requested.request.pk,
        "needs_code": requested.challenge.needs_code,
        "needs_pin": requested.challenge.needs_pin,
        "code_sent_to": requested.challenge.destination_masked,
        "changes": ChangeSerializer(requested.changes, many=True).data,
        "skipped": [
            {
                "card_number": p.card_number,
                "name": p.name,
                "code": r.code,
                "message": r.message,
                "possible_from": r.possible_from,
            }
            for p, r in requested.skipped
        ],
    }


class SegmentRequestSerializer(serializers.Serializer):
    card_numbers = serializers.ListField(
        child=serializers.RegexField(r"^[0-9]{13}$"), min_length=1, max_length=20
    )
    care_class = serializers.ChoiceField(choices=[1, 2, 3])
    bank = serializers.CharField(max_length=20)
    account_number = serializers.RegexField(r"^[0-9]{8,20}$")
    account_holder = serializers.CharField(max_length=120)


class FktpRequestSerializer(serializers.Serializer):
    card_number = serializers.RegexField(r"^[0-9]{13}$")
    facility_code = serializers.CharField(max_length=12)
    whole_family = serializers.BooleanField(default=False)


class ClassRequestSerializer(serializers.Serializer):
    care_class = serializers.ChoiceField(choices=[1, 2, 3])


class PhoneRequestSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=20)


class EmailRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class AddressRequestSerializer(serializers.Serializer):
    address = serializers.CharField(min_length=5, max_length=255)
    district = serializers.RegexField(r"^[0-9]{6}$")


class NikRequestSerializer(serializers.Serializer):
    card_number = serializers.RegexField(r"^[0-9]{13}$")
    nik = serializers.RegexField(r"^[0-9]{16}$")


class ConfirmSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[0-9]{6}$", required=False, allow_blank=True, default="")
    pin = serializers.RegexField(r"^[0-9]{6}$", required=False, allow_blank=True, default="")


class FacilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(source="get_kind_display")
    district = serializers.CharField(source="district.name")
    area = serializers.SerializerMethodField()

    def get_area(self, obj) -> str:  # type: ignore[no-untyped-def]
        return ["kecamatan", "kabupaten/kota", "provinsi"][obj.nearness]


class QuoteLineSerializer(serializers.Serializer):
    card_number = serializers.CharField()
    name = serializers.CharField()
    amount = serializers.IntegerField()
    amount_text = serializers.CharField()


class ClassQuoteSerializer(serializers.Serializer):
    care_class = serializers.IntegerField()
    month = serializers.DateField()
    members = QuoteLineSerializer(many=True)
    family_total = serializers.IntegerField()
    family_total_text = serializers.CharField()


def quote_data(quote) -> dict:  # type: ignore[no-untyped-def]
    return {
        "care_class": quote.care_class,
        "month": quote.month,
        "members": [
            {"card_number": p.card_number, "name": p.name, "amount": a, "amount_text": rupiah(a)}
            for p, a in quote.per_member
        ],
        "family_total": quote.family_total,
        "family_total_text": rupiah(quote.family_total),
    }
