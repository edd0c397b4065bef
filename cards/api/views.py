"""GET /api/v1/cards/verify/<token>/: a faskes checks a KIS Digital QR code and gets the
member's live status. Only facility, staff and admin accounts may ask; a tampered or
expired token answers 400 with a code; a card that no longer exists answers 404."""

from typing import cast

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.formatting import mask_number
from core.models import User
from families.selectors import family_view_for_participant
from participants.models import Participant

from ..services import card_token_read

VERIFYING_ROLES = (User.Role.FACILITY, User.Role.STAFF, User.Role.ADMIN)


class MayVerifyCards(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = cast(User, request.user)
        return bool(
            user
            and user.is_authenticated
            and (
                user.is_superuser
                or user.role in (User.Role.FACILITY, User.Role.STAFF, User.Role.ADMIN)
            )
        )


CardStatus = inline_serializer(
    "CardVerification",
    {
        "card_number": serializers.CharField(),
        "name": serializers.CharField(),
        "nik": serializers.CharField(help_text="masked"),
        "segment": serializers.CharField(),
        "care_class": serializers.IntegerField(),
        "fktp": serializers.CharField(),
        "status": serializers.CharField(),
        "status_label": serializers.CharField(),
        "reason": serializers.CharField(),
        "explanation": serializers.CharField(),
        "denda_pelayanan": serializers.BooleanField(),
        "token_signed_at": serializers.DateTimeField(),
        "token_expires_at": serializers.DateTimeField(),
        "checked_on": serializers.DateField(),
    },
)


class CardVerifyView(APIView):
    permission_classes = [MayVerifyCards]

    @extend_schema(
        responses={
            200: CardStatus,
            400: OpenApiResponse(
                ERROR_SCHEMA, description="CARD_TOKEN_INVALID (tampered) or CARD_TOKEN_EXPIRED"
            ),
            401: OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token"),
            403: OpenApiResponse(ERROR_SCHEMA, description="Not a facility or staff account"),
            404: OpenApiResponse(ERROR_SCHEMA, description="The card no longer exists"),
        },
        tags=["cards"],
    )
    def get(self, request: Request, token: str) -> Response:
        card = card_token_read(token=token)
        participant = Participant.objects.filter(
            card_number=card.card_number, retired_at__isnull=True
        ).first()
        today = timezone.localdate()
        view = (
            family_view_for_participant(participant=participant, on=today) if participant else None
        )
        member = view.member(card.card_number) if view else None
        if member is None:
            raise Http404
        p, status = member.participant, member.status
        return Response(
            {
                "card_number": p.card_number,
                "name": p.name,
                "nik": mask_number(p.nik) or "",
                "segment": p.segment.name,
                "care_class": p.care_class,
                "fktp": p.fktp.name,
                "status": status.status,
                "status_label": status.status_label,
                "reason": status.reason,
                "explanation": status.explanation,
                "denda_pelayanan": status.has_penalty,
                "token_signed_at": card.signed_at,
                "token_expires_at": card.expires_at,
                "checked_on": today,
            }
        )
