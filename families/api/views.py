"""Participant-facing family API: scope is the caller's own current family, in the query."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.auth import signed_in_user
from core.cache import kept
from core.models import User
from participants.selectors import participant_status_history

from ..selectors import family_facts_for_user, family_facts_of, family_view_for_user
from .auth import family_bearer_authentication
from .serializers import FamilySerializer, MemberDetailSerializer


class IsParticipant(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == User.Role.PARTICIPANT)


ERRORS = {
    401: OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token"),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not a participant account"),
    404: OpenApiResponse(ERROR_SCHEMA, description="Not found or not in your family"),
}


class MyFamilyView(APIView):
    """The caller's family card and every current member with status, reason and remedy."""

    permission_classes = [IsParticipant]

    def get_authenticators(self) -> list:
        return [family_bearer_authentication()]

    @extend_schema(responses={200: FamilySerializer, **ERRORS}, tags=["family"])
    def get(self, request: Request) -> Response:
        user, on = signed_in_user(request), timezone.localdate()
        # Cached under the tokens of every fact it is computed from (families.selectors):
        # a payment, a sync result or a correction gives the next request a new key.
        # Read with the token, in the same statement (families.api.auth).
        rows = getattr(request.auth, "also_rows", None)
        facts = family_facts_of(rows) if rows is not None else family_facts_for_user(user=user)
        if facts is None:
            raise Http404
        key = facts.key("family-api", translation.get_language(), on.isoformat())

        def compute() -> dict | None:
            view = family_view_for_user(user=user, on=on)
            return dict(FamilySerializer(view).data) if view else None

        data = kept(key, compute, settings.FAMILY_READ_CACHE_SECONDS)
        if data is None:
            raise Http404
        return Response(data)


class FamilyMemberView(APIView):
    """One member of the caller's own family, with the status history."""

    permission_classes = [IsParticipant]

    @extend_schema(responses={200: MemberDetailSerializer, **ERRORS}, tags=["family"])
    def get(self, request: Request, card_number: str) -> Response:
        view = family_view_for_user(user=signed_in_user(request), on=timezone.localdate())
        member = view.member(card_number) if view else None
        if view is None or member is None:
            raise Http404
        history = list(participant_status_history(participant=member.participant)[:100])
        data = MemberDetailSerializer(
            member, context={"viewer_id": view.viewer.pk, "history": history}
        ).data
        return Response(data)
