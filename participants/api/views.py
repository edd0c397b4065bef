"""Eligibility check for health facilities (faskes): status on a date, nothing more."""

from datetime import date
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.cache import kept
from core.formatting import mask_number
from core.models import User
from core.nik import validate_nik
from core.validators import validate_service_date

from ..eligibility import eligibility_lookup_record, eligibility_rate_limit_hit
from ..models import EligibilityLookup
from ..selectors import FactRows, fact_rows, participant_for_eligibility, participant_status
from .auth import asked_by_authentication, eligibility_bearer_authentication
from .serializers import StatusSerializer


class IsFacility(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.FACILITY)


class EligibilityQuerySerializer(serializers.Serializer):
    card_number = serializers.RegexField(
        r"^[0-9]{13}$",
        required=False,
        error_messages={"invalid": _("Card number must be exactly 13 digits.")},
    )
    nik = serializers.CharField(required=False)
    date = serializers.DateField(
        required=False, input_formats=["%Y-%m-%d"], validators=[validate_service_date]
    )

    def validate_nik(self, value: str) -> str:
        try:
            validate_nik(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("card_number")) == bool(attrs.get("nik")):
            raise serializers.ValidationError(
                {"card_number": [_("Give exactly one of card_number or nik.")]}
            )
        return attrs


class EligibilitySerializer(serializers.Serializer):
    card_number = serializers.CharField()
    nik = serializers.CharField(help_text="Masked: the facility already holds the full number.")
    name = serializers.CharField()
    date = serializers.DateField()
    eligible = serializers.BooleanField()
    status = StatusSerializer()
    segment = serializers.CharField()
    segment_name = serializers.CharField()
    care_class = serializers.IntegerField()
    fktp = serializers.DictField(child=serializers.CharField())


class EligibilityView(APIView):
    """Is this participant covered on this date? For facility service accounts only; rate
    limited per account and logged (participants.eligibility)."""

    permission_classes = [IsFacility]

    def get_authenticators(self) -> list:
        return [eligibility_bearer_authentication()]

    @extend_schema(
        parameters=[
            OpenApiParameter("card_number", str, description="13-digit JKN card number"),
            OpenApiParameter("nik", str, description="16-digit NIK"),
            OpenApiParameter("date", date, description="YYYY-MM-DD; default today"),
        ],
        responses={
            200: EligibilitySerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Malformed card number, NIK or date"),
            401: OpenApiResponse(ERROR_SCHEMA),
            403: OpenApiResponse(ERROR_SCHEMA, description="Not a facility service account"),
            404: OpenApiResponse(ERROR_SCHEMA, description="No live participant"),
            429: OpenApiResponse(
                ERROR_SCHEMA, description="Too many lookups by this account (Retry-After)"
            ),
        },
        tags=["eligibility"],
    )
    def get(self, request: Request) -> Response:
        query = EligibilityQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        account = cast(User, request.user)  # IsFacility: a logged-in facility account
        wait = eligibility_rate_limit_hit(account=account)
        if wait is not None:
            raise Throttled(wait)
        nik, card_number = params.get("nik"), params.get("card_number")
        on = params.get("date") or timezone.localdate()
        # Cached under the fact tokens of the participant's family (participants.selectors):
        # any payment, sync result or correction gives the next lookup a new key. Read with
        # the token, in the same statement, when it asked about this very number (.auth).
        by, number = ("nik", nik) if nik else ("card_number", card_number)
        rows = getattr(request.auth, "also_rows", None)
        if rows is not None and asked_by_authentication(request) == (by, number):
            facts = FactRows(rows) if rows and rows[0][0] is not None else None
        else:
            facts = fact_rows(by=by, value=number)
        answer = None
        if facts is not None:
            key = facts.key("eligibility", translation.get_language(), on.isoformat())
            answer = kept(
                key,
                lambda: _eligibility_answer(nik=nik, card_number=card_number, on=on),
                settings.FAMILY_READ_CACHE_SECONDS,
            )
        eligibility_lookup_record(
            account=account,
            channel=EligibilityLookup.Channel.API,
            kind=EligibilityLookup.Kind.NIK if nik else EligibilityLookup.Kind.CARD,
            asked_number=nik or card_number,
            service_date=on,
            participant_id=answer["participant_id"] if answer else None,
            result_status=answer["data"]["status"]["status"] if answer else None,
            client_address=request.META.get("REMOTE_ADDR"),
        )
        if answer is None:
            raise Http404
        return Response(answer["data"])


def _eligibility_answer(*, nik: str | None, card_number: str | None, on: date) -> dict | None:
    participant = participant_for_eligibility(nik=nik, card_number=card_number)
    if participant is None:
        return None
    result = participant_status(participant=participant, on=on)
    data = EligibilitySerializer(
        {
            "card_number": participant.card_number,
            "nik": mask_number(participant.nik),
            "name": participant.name,
            "date": on,
            "eligible": result.status == "AKTIF",
            "status": result,
            "segment": participant.segment.code,
            "segment_name": participant.segment.name,
            "care_class": participant.care_class,
            "fktp": {"code": participant.fktp.code, "name": participant.fktp.name},
        }
    ).data
    return {"participant_id": participant.pk, "data": dict(data)}
