"""Request and response shapes of /api/v1/accounts/ (business rules live in the services)."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from messaging.models import Channel
from messaging.phone import normalize_mobile

from ..identity import normalize_identifier
from ..models import OneTimeCode

CHANNELS = [Channel.EMAIL, Channel.SMS]


def _django_to_drf(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.messages)


class IdentifySerializer(serializers.Serializer):
    identifier = serializers.CharField(
        max_length=40, help_text=_("16-digit NIK or 13-digit JKN card number.")
    )
    birth_date = serializers.DateField()
    captcha_key = serializers.CharField(max_length=40, help_text=_("From GET accounts/captcha/."))
    captcha_value = serializers.CharField(max_length=32)

    def validate_identifier(self, value: str) -> str:
        try:
            normalize_identifier(value)
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc
        return value


class CaptchaSerializer(serializers.Serializer):
    captcha_key = serializers.CharField()
    image_url = serializers.CharField()


class SignupIdentityResponse(serializers.Serializer):
    identity_token = serializers.CharField(help_text=_("Valid 20 minutes, for POST signup/."))
    masked_name = serializers.CharField(help_text=_("e.g. BU** SA*****: confirm it is you."))


PASSWORD_RULES = _(
    "At least 8 characters with upper- and lower-case letters, a digit and a symbol; not a "
    "common password, not like your name or e-mail, not containing your NIK, card number or "
    "birth date."
)


class SignupSerializer(serializers.Serializer):
    identity_token = serializers.CharField()
    email = serializers.EmailField(max_length=254, help_text=_("One account per e-mail."))
    phone = serializers.CharField(
        max_length=20, help_text=_("Indonesian mobile number, e.g. 0812-3456-7890.")
    )
    password = serializers.CharField(
        trim_whitespace=False, style={"input_type": "password"}, help_text=PASSWORD_RULES
    )
    channel = serializers.ChoiceField(choices=CHANNELS)

    def validate_phone(self, value: str) -> str:
        try:
            return normalize_mobile(value)
        except DjangoValidationError as exc:
            raise _django_to_drf(exc) from exc


class IssuedCodeSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    channel = serializers.CharField()
    destination_masked = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CodeSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    code = serializers.RegexField(r"^\s*[0-9]{6}\s*$", max_length=12)


class SignupDoneSerializer(serializers.Serializer):
    username = serializers.CharField()
    card_number = serializers.CharField()


class ResendSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    purpose = serializers.ChoiceField(choices=OneTimeCode.Purpose.choices)


class ChannelOptionSerializer(serializers.Serializer):
    channel = serializers.CharField()
    destination_masked = serializers.CharField()


class ResetIdentityResponse(serializers.Serializer):
    identity_token = serializers.CharField()
    channels = ChannelOptionSerializer(many=True)


class ResetStartSerializer(serializers.Serializer):
    identity_token = serializers.CharField()
    channel = serializers.ChoiceField(choices=CHANNELS)


class ResetConfirmSerializer(CodeSerializer):
    new_password = serializers.CharField(trim_whitespace=False, help_text=PASSWORD_RULES)


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    # Output only, and empty for an account without one: not documented as format "email",
    # which "" does not satisfy (found by tests/test_api_fuzz.py).
    email = serializers.CharField(help_text=_("E-mail address; empty if none."))
    phone = serializers.CharField()
    email_verified = serializers.SerializerMethodField()
    phone_verified = serializers.SerializerMethodField()
    has_pin = serializers.BooleanField()
    pin_locked_until = serializers.DateTimeField(allow_null=True)

    def get_email_verified(self, obj: Any) -> bool:
        return obj.email_verified_at is not None

    def get_phone_verified(self, obj: Any) -> bool:
        return obj.phone_verified_at is not None


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ip_address = serializers.CharField(allow_null=True)
    user_agent = serializers.CharField()
    remember = serializers.BooleanField()
    current = serializers.BooleanField()


class TokenSerializer(serializers.Serializer):
    token_key = serializers.CharField(help_text=_("The first 8 characters: enough to tell apart."))
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.SerializerMethodField()

    def get_current(self, obj: Any) -> bool:
        current = self.context.get("current_key")
        return bool(current) and obj.token_key == current


class PinSerializer(serializers.Serializer):
    pin = serializers.RegexField(r"^[0-9]{6}$", help_text=_("6 digits."))


class PinChangeSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False)
    channel = serializers.ChoiceField(choices=CHANNELS)


class PinChangeConfirmSerializer(CodeSerializer):
    new_pin = serializers.RegexField(r"^[0-9]{6}$")
