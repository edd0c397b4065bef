"""Token login and logout for the REST API (Bearer tokens: hashed, expiring, revocable)."""

from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .api import ERROR_SCHEMA, error_body
from .auth import lockout_message, lockout_minutes
from .nik import validate_nik


class TokenThrottle(AnonRateThrottle):
    scope = "token"


class TokenRequestSerializer(serializers.Serializer):
    nik = serializers.CharField(required=False, help_text=_("Participant login: 16-digit NIK."))
    username = serializers.CharField(
        required=False, help_text=_("Service accounts (faskes, staff): username.")
    )
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate_nik(self, value: str) -> str:
        try:
            validate_nik(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("nik")) == bool(attrs.get("username")):
            raise serializers.ValidationError(
                {"nik": [_("Send either nik (participants) or username (service accounts).")]}
            )
        return attrs


TokenResponse = inline_serializer(
    "TokenResponse",
    {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
)


class TokenView(APIView):
    """Exchange NIK (or service-account username) and password for a Bearer token."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenResponse,
            400: OpenApiResponse(ERROR_SCHEMA, description="Malformed NIK or missing field"),
            401: OpenApiResponse(ERROR_SCHEMA, description="Wrong NIK/username or password"),
            429: OpenApiResponse(ERROR_SCHEMA, description="Too many attempts; see Retry-After"),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        username = data.get("nik") or data["username"]
        django_request = request._request
        user = authenticate(django_request, username=username, password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            response = Response(error_body("LOGIN_LOCKED", lockout_message()), status=429)
            response["Retry-After"] = str(lockout_minutes() * 60)
            return response
        if user is None or not user.is_active:
            return Response(
                error_body("INVALID_CREDENTIALS", _("Wrong NIK/username or password.")),
                status=status.HTTP_401_UNAUTHORIZED,
            )
        # As a page login does: axes resets this account's failures (and only this one's),
        # and last_login is kept.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        # The user's expired tokens go at each login (not on every API call, as knox did).
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user)
        return Response(
            {"token": token, "expires_at": instance.expiry}, status=status.HTTP_201_CREATED
        )


class LogoutView(APIView):
    """Revoke the token used for this request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        responses={204: None, 401: OpenApiResponse(ERROR_SCHEMA)},
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
