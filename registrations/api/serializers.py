"""Request and response shapes of the registration API."""

from typing import Any

from django.utils import timezone
from rest_framework import serializers

from core.api import MAX_ID
from core.formatting import mask_number, rupiah
from core.models import Region

from ..models import Registration
from ..selectors import facilities_near, registration_public_state
from ..services import class_quote, first_payment_amount


class RegistrationStartSerializer(serializers.Serializer):
    counter_reason = serializers.CharField(required=False, allow_blank=True, max_length=255)


class RegistrationTermsSerializer(serializers.Serializer):
    accepted = serializers.BooleanField()


class RegistrationKkSerializer(serializers.Serializer):
    kk_number = serializers.RegexField(r"^[0-9]{16}$", max_length=16)
    # The bot check: a picture from GET /api/v1/accounts/captcha/ and its answer.
    captcha_key = serializers.CharField(max_length=40)
    captcha_value = serializers.CharField(max_length=32)


class RegistrationMemberChoiceSerializer(serializers.Serializer):
    nik = serializers.RegexField(r"^[0-9]{16}$")
    phone = serializers.RegexField(r"^\+?[0-9]{8,15}$", required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    fktp_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class RegistrationMembersSerializer(serializers.Serializer):
    members = RegistrationMemberChoiceSerializer(many=True, allow_empty=False)


class RegistrationClassSerializer(serializers.Serializer):
    care_class = serializers.IntegerField(min_value=1, max_value=3)


class RegistrationContactSerializer(serializers.Serializer):
    email = serializers.EmailField()
    phone = serializers.RegexField(r"^\+?[0-9]{8,15}$", required=False, allow_blank=True)


class RegistrationCodeSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[0-9]{6}$")


class RegistrationSubmitSerializer(serializers.Serializer):
    consent = serializers.BooleanField()


class RegistrationMemberRowSerializer(serializers.Serializer):
    nik_masked = serializers.SerializerMethodField()
    name = serializers.CharField()
    birth_date = serializers.DateField()
    sex = serializers.CharField()
    relationship = serializers.CharField()
    case = serializers.ChoiceField(choices=["REQUIRED", "COVERED_ELSEWHERE", "DECEASED"])
    note = serializers.CharField()
    fktp_id = serializers.IntegerField(allow_null=True)

    def get_nik_masked(self, row: dict[str, Any]) -> str:
        return mask_number(row["nik"])


class RegistrationFacilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class RegistrationQuoteSerializer(serializers.Serializer):
    care_class = serializers.IntegerField()
    per_member = serializers.IntegerField()
    per_member_display = serializers.SerializerMethodField()
    members = serializers.IntegerField()
    total = serializers.IntegerField()
    total_display = serializers.SerializerMethodField()

    def get_per_member_display(self, q: dict[str, Any]) -> str:
        return rupiah(q["per_member"])

    def get_total_display(self, q: dict[str, Any]) -> str:
        return rupiah(q["total"])


class RegistrationSerializer(serializers.Serializer):
    """A draft or a submitted registration, as its owner sees it."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    state = serializers.SerializerMethodField(
        help_text="DRAFT, EXPIRED, AWAITING_PAYMENT, PAYMENT_EXPIRED or PAID"
    )
    step = serializers.CharField()
    expires_at = serializers.DateTimeField()
    kk_number = serializers.CharField()
    members = serializers.SerializerMethodField()
    facilities = serializers.SerializerMethodField()
    care_class = serializers.SerializerMethodField()
    class_quotes = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    contact_verified = serializers.SerializerMethodField()
    virtual_account = serializers.CharField()
    va_expires_on = serializers.DateField(allow_null=True)
    amount_due = serializers.SerializerMethodField()
    amount_due_display = serializers.SerializerMethodField()

    def get_state(self, r: Registration) -> str:
        return registration_public_state(registration=r, on=timezone.localdate())

    def get_members(self, r: Registration) -> list[dict[str, Any]]:
        return list(RegistrationMemberRowSerializer(r.data.get("members", []), many=True).data)

    def get_facilities(self, r: Registration) -> list[dict[str, Any]]:
        code = r.data.get("kk", {}).get("district_code")
        if not code or r.state != Registration.State.DRAFT:
            return []
        district = Region.objects.get(code=code)
        return list(
            RegistrationFacilitySerializer(facilities_near(district=district), many=True).data
        )

    def get_care_class(self, r: Registration) -> int | None:
        return r.data.get("care_class")

    def get_class_quotes(self, r: Registration) -> list[dict[str, Any]]:
        if not r.data.get("members"):
            return []
        on = timezone.localdate()
        quotes = [class_quote(registration=r, care_class=c, on=on) for c in (1, 2, 3)]
        return list(RegistrationQuoteSerializer(quotes, many=True).data)

    def get_contact_email(self, r: Registration) -> str:
        email = r.contact_email
        if not email:
            return ""
        name, _, domain = email.partition("@")
        return f"{name[:2]}***@{domain}"

    def get_contact_verified(self, r: Registration) -> bool:
        return r.contact_verified_at is not None

    def _amount(self, r: Registration) -> int | None:
        if r.family is None or self.get_state(r) in ("PAID",):
            return None if r.family is None else 0
        return first_payment_amount(r.family, on=timezone.localdate())

    def get_amount_due(self, r: Registration) -> int | None:
        return self._amount(r)

    def get_amount_due_display(self, r: Registration) -> str:
        amount = self._amount(r)
        return "" if amount is None else rupiah(amount)


class FamilyMemberAddSerializer(serializers.Serializer):
    nik = serializers.RegexField(r"^[0-9]{16}$", required=False, allow_blank=True)
    birth_certificate_number = serializers.CharField(
        required=False, allow_blank=True, max_length=40, help_text="Newborn without a NIK yet."
    )
    name = serializers.CharField(max_length=120)
    birth_place = serializers.CharField(max_length=60, required=False, allow_blank=True)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=["L", "P"])
    relationship = serializers.ChoiceField(
        choices=["PASANGAN", "ANAK", "ORANG_TUA", "MERTUA", "LAINNYA"]
    )

    def validate_birth_date(self, value: Any) -> Any:
        if value > timezone.localdate():
            raise serializers.ValidationError("Tanggal lahir tidak boleh di masa depan.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("nik") and not attrs.get("birth_certificate_number"):
            raise serializers.ValidationError(
                {"nik": ["Isi NIK, atau nomor akta kelahiran untuk bayi yang belum ber-NIK."]}
            )
        return attrs


class FamilyMemberAddedSerializer(serializers.Serializer):
    registration_id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    state = serializers.CharField()
    card_number = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_reason = serializers.SerializerMethodField()
    virtual_account = serializers.CharField()
    amount_due = serializers.SerializerMethodField()
    amount_due_display = serializers.SerializerMethodField()

    def _participant(self, r: Registration) -> Any:
        from participants.models import Participant

        return Participant.objects.get(pk=r.data["participant_id"])

    def get_card_number(self, r: Registration) -> str:
        return r.data["card_number"]

    def get_name(self, r: Registration) -> str:
        return r.data["name"]

    def get_status(self, r: Registration) -> str:
        return self._participant(r).status

    def get_status_reason(self, r: Registration) -> str:
        return self._participant(r).status_reason

    def get_amount_due(self, r: Registration) -> int:
        if r.state != Registration.State.AWAITING_PAYMENT or r.family is None:
            return 0
        return first_payment_amount(r.family, on=timezone.localdate())

    def get_amount_due_display(self, r: Registration) -> str:
        return rupiah(self.get_amount_due(r))
