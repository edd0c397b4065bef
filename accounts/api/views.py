"""/api/v1/accounts/: the account flows for apps and integrators, same services as the pages.

Anonymous endpoints: captcha, identify (rate limited per IP), start, verify, resend. The
rest act on the caller's own account only (scope is the token's user, never an id from the
request)."""

from typing import Any, cast

from captcha.helpers import captcha_image_url
from captcha.models import CaptchaStore
from captcha.validators import captcha_validate
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.models import User
from families.api.views import IsParticipant

from ..errors import BotCheckFailed
from ..identity import mask_name
from ..models import OneTimeCode
from ..selectors import account_of
from ..services import codes, identify, password, pin, sessions, signup
from ..throttle import check_identify_rate
from . import serializers as s


def _user(request: Request) -> User:
    # IsParticipant let only a logged-in participant through.
    return cast(User, request.user)


def _err(description: str) -> OpenApiResponse:
    return OpenApiResponse(ERROR_SCHEMA, description=description)


ANON_ERRORS = {
    400: _err("Bad input (fields), wrong/expired/used code, too many tries, bot check failed"),
    409: _err("A business rule refused: ACCOUNT_EXISTS, EMAIL_TAKEN"),
    429: _err("Too many requests (per IP, or code sends per account/destination); Retry-After"),
}
AUTH_ERRORS = {
    401: _err("No, expired or revoked token"),
    403: _err("Not a participant account"),
}


def _valid(serializer_class: type[Serializer], request: Request) -> Any:
    """The request body as `serializer_class` reads it; a 400 with field errors if it cannot."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _issued(issued: codes.IssuedCode) -> Response:
    return Response(s.IssuedCodeSerializer(issued).data, status=status.HTTP_202_ACCEPTED)


def _check_captcha(key: str, value: str) -> None:
    try:
        captcha_validate(key, value)
    except exceptions.ValidationError as exc:
        raise BotCheckFailed(
            _("Wrong answer to the bot check. Get a new picture and try again."),
            fields={"captcha_value": [str(_("Wrong answer."))]},
        ) from exc


class AnonymousView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]


class CaptchaView(AnonymousView):
    """A new bot-check picture (a small calculation); answer it once in an identify request."""

    @extend_schema(request=None, responses={201: s.CaptchaSerializer}, tags=["accounts"])
    def post(self, request: Request) -> Response:
        key = CaptchaStore.generate_key()
        data = {"captcha_key": key, "image_url": request.build_absolute_uri(captcha_image_url(key))}
        return Response(data, status=status.HTTP_201_CREATED)


def _identify(request: Request) -> Any:
    data = _valid(s.IdentifySerializer, request)
    check_identify_rate(request._request)
    _check_captcha(data["captcha_key"], data["captcha_value"])
    return data


class SignupIdentifyView(AnonymousView):
    """Step 1: NIK or card number + birth date + bot check. Answers the masked name."""

    @extend_schema(
        request=s.IdentifySerializer,
        responses={
            200: s.SignupIdentityResponse,
            404: _err("NOT_A_PARTICIPANT: how to register and reach Care Center 165"),
            **ANON_ERRORS,
        },
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _identify(request)
        participant = identify.signup_identify(
            identifier=data["identifier"], birth_date=data["birth_date"]
        )
        token = identify.identity_token(participant=participant, flow="signup")
        return Response({"identity_token": token, "masked_name": mask_name(participant.name)})


class SignupView(AnonymousView):
    """Step 2: e-mail, phone, password and the channel; sends the 6-digit code."""

    @extend_schema(
        request=s.SignupSerializer,
        responses={202: s.IssuedCodeSerializer, **ANON_ERRORS},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.SignupSerializer, request)
        participant = identify.identity_from_token(token=data["identity_token"], flow="signup")
        issued = signup.signup_start(
            participant=participant,
            email=data["email"],
            phone=data["phone"],
            password=data["password"],
            channel=data["channel"],
            language=translation.get_language() or "id",
        )
        return _issued(issued)


class SignupVerifyView(AnonymousView):
    """Step 3: the code; creates the account."""

    @extend_schema(
        request=s.CodeSerializer,
        responses={201: s.SignupDoneSerializer, **ANON_ERRORS},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.CodeSerializer, request)
        user = signup.signup_complete(request_id=str(data["request_id"]), code=data["code"])
        body = {"username": user.username, "card_number": user.participant.card_number}
        return Response(body, status=status.HTTP_201_CREATED)


class ResendView(APIView):
    """A new code for a pending request (the old one stops working). PIN_CHANGE needs the
    account's token; the other flows are anonymous."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=s.ResendSerializer,
        responses={202: s.IssuedCodeSerializer, **ANON_ERRORS},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.ResendSerializer, request)
        user = None
        if data["purpose"] == OneTimeCode.Purpose.PIN_CHANGE:
            if not request.user.is_authenticated:
                raise exceptions.NotAuthenticated
            user = _user(request)
        issued = codes.code_resend(
            request_id=str(data["request_id"]), purpose=data["purpose"], user=user
        )
        return _issued(issued)


class ResetIdentifyView(AnonymousView):
    """Lupa Password step 1: NIK or card + birth date + bot check; answers the masked
    registered contacts to choose from."""

    @extend_schema(
        request=s.IdentifySerializer,
        responses={
            200: s.ResetIdentityResponse,
            404: _err("NO_ACCOUNT, NO_CONTACT"),
            **ANON_ERRORS,
        },
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _identify(request)
        participant, options = identify.password_reset_identify(
            identifier=data["identifier"], birth_date=data["birth_date"]
        )
        token = identify.identity_token(participant=participant, flow="reset")
        return Response(
            {
                "identity_token": token,
                "channels": s.ChannelOptionSerializer(options, many=True).data,
            }
        )


class ResetStartView(AnonymousView):
    @extend_schema(
        request=s.ResetStartSerializer,
        responses={202: s.IssuedCodeSerializer, **ANON_ERRORS},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.ResetStartSerializer, request)
        participant = identify.identity_from_token(token=data["identity_token"], flow="reset")
        return _issued(
            password.password_reset_start(participant=participant, channel=data["channel"])
        )


class ResetConfirmView(AnonymousView):
    """The code and the new password; every session and token of the account is revoked."""

    @extend_schema(
        request=s.ResetConfirmSerializer, responses={204: None, **ANON_ERRORS}, tags=["accounts"]
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.ResetConfirmSerializer, request)
        password.password_reset_complete(
            request_id=str(data["request_id"]), code=data["code"], new_password=data["new_password"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(responses={200: s.AccountSerializer, **AUTH_ERRORS}, tags=["accounts"])
    def get(self, request: Request) -> Response:
        return Response(s.AccountSerializer(account_of(user=_user(request))).data)


class SessionsView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        responses={200: s.SessionSerializer(many=True), **AUTH_ERRORS}, tags=["accounts"]
    )
    def get(self, request: Request) -> Response:
        items = sessions.sessions_active(user=_user(request))
        return Response(s.SessionSerializer(items, many=True).data)


class SessionDetailView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        responses={204: None, 404: _err("Not one of your sessions"), **AUTH_ERRORS},
        tags=["accounts"],
    )
    def delete(self, request: Request, session_id: int) -> Response:
        sessions.session_end(user=_user(request), session_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokensView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(responses={200: s.TokenSerializer(many=True), **AUTH_ERRORS}, tags=["accounts"])
    def get(self, request: Request) -> Response:
        items = sessions.tokens_active(user=_user(request))
        current = getattr(request.auth, "token_key", None)
        return Response(s.TokenSerializer(items, many=True, context={"current_key": current}).data)


class TokenDetailView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        responses={204: None, 404: _err("Not one of your tokens"), **AUTH_ERRORS},
        tags=["accounts"],
    )
    def delete(self, request: Request, token_key: str) -> Response:
        sessions.token_end(user=_user(request), token_key=token_key)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PinView(APIView):
    """Set the first PIN (after the first login)."""

    permission_classes = [IsParticipant]

    @extend_schema(
        request=s.PinSerializer,
        responses={
            204: None,
            400: _err("Not 6 digits, too easy"),
            409: _err("PIN_ALREADY_SET"),
            **AUTH_ERRORS,
        },
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.PinSerializer, request)
        pin.pin_set(user=_user(request), pin=data["pin"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PinVerifyView(APIView):
    """Check the PIN (what a data change will do first)."""

    permission_classes = [IsParticipant]

    @extend_schema(
        request=s.PinSerializer,
        responses={
            204: None,
            400: _err("PIN_WRONG with tries left"),
            429: _err("PIN_LOCKED until a time; Retry-After"),
            **AUTH_ERRORS,
        },
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.PinSerializer, request)
        pin.pin_verify(user=_user(request), pin=data["pin"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class PinChangeView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        request=s.PinChangeSerializer,
        responses={202: s.IssuedCodeSerializer, **ANON_ERRORS, **AUTH_ERRORS},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.PinChangeSerializer, request)
        return _issued(
            pin.pin_change_start(
                user=_user(request), password=data["password"], channel=data["channel"]
            )
        )


class PinChangeConfirmView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        request=s.PinChangeConfirmSerializer,
        responses={204: None, **ANON_ERRORS, **AUTH_ERRORS},
        tags=["accounts"],
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.PinChangeConfirmSerializer, request)
        pin.pin_change_complete(
            user=_user(request),
            request_id=str(data["request_id"]),
            code=data["code"],
            new_pin=data["new_pin"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
