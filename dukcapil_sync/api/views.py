"""Sync API: a participant asks for their family's re-sync; branch staff work the queue.

Scope is in the queryset: a participant reaches only their own family, staff only their
branch's discrepancies and families; anything else answers 404 like a missing object."""

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.auth import signed_in_user
from core.models import User
from families.api.views import IsParticipant
from families.models import FamilyMembership
from families.selectors import families_for_staff

from ..models import Discrepancy, SyncRun
from ..selectors import discrepancies_for_staff, family_of_participant_user, new_member_offers
from ..services import discrepancy_accept, discrepancy_keep, family_sync
from .serializers import (
    AcceptSerializer,
    DiscrepancySerializer,
    FamilySyncResultSerializer,
    KeepSerializer,
)


class FamilySyncThrottle(SimpleRateThrottle):
    """One budget per family, shared by the Info Peserta button and the API (the registry is
    a shared resource; a family does not need many syncs an hour)."""

    scope = "family_sync"

    def get_rate(self) -> str:
        return settings.DUKCAPIL_FAMILY_SYNC_RATE

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        family = family_of_participant_user(user=signed_in_user(request))
        if family is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": family.pk}


class IsBranchStaff(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_superuser or (user.role == User.Role.STAFF and user.branch_id))
        )


E401 = OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token")
E403 = OpenApiResponse(ERROR_SCHEMA, description="Wrong role")
E404 = OpenApiResponse(ERROR_SCHEMA, description="Not found or out of scope")
E503 = OpenApiResponse(
    ERROR_SCHEMA, description="REGISTRY_UNAVAILABLE: Dukcapil cannot be reached; nothing changed"
)


def family_sync_result(run: SyncRun) -> dict[str, Any]:
    family = run.family
    members = [
        m.participant
        for m in FamilyMembership.objects.filter(family=family, valid_to__isnull=True)
        .select_related("participant")
        .order_by("-is_main", "participant__birth_date", "id")
    ]
    return {
        "sync_run": run,
        "members": members,
        "new_members": list(new_member_offers(family=family)),  # type: ignore[arg-type]
    }


class MyFamilySyncView(APIView):
    """Compare the caller's family with Dukcapil now ("Sinkronkan data keluarga"): each
    member's status afterwards, and people Dukcapil lists on the KK whom the family can
    register. Rate-limited per family (429 with Retry-After)."""

    permission_classes = [IsParticipant]
    throttle_classes = [FamilySyncThrottle]

    @extend_schema(
        request=None,
        responses={
            200: FamilySyncResultSerializer,
            401: E401,
            403: OpenApiResponse(ERROR_SCHEMA, description="Not a participant account"),
            404: OpenApiResponse(ERROR_SCHEMA, description="The caller has no current family"),
            429: OpenApiResponse(ERROR_SCHEMA, description="Too many syncs; see Retry-After"),
            503: E503,
        },
        tags=["dukcapil"],
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        family = family_of_participant_user(user=user)
        if family is None:
            raise Http404
        run = family_sync(family=family, trigger=SyncRun.Trigger.PARTICIPANT, actor=user)
        return Response(FamilySyncResultSerializer(family_sync_result(run)).data)


class StaffFamilySyncView(APIView):
    """Staff: compare one family of their branch with Dukcapil now (for example from a
    complaint)."""

    permission_classes = [IsBranchStaff]

    @extend_schema(
        request=None,
        responses={200: FamilySyncResultSerializer, 401: E401, 403: E403, 404: E404, 503: E503},
        tags=["dukcapil"],
    )
    def post(self, request: Request, kk_number: str) -> Response:
        user = signed_in_user(request)
        family = families_for_staff(user=user).filter(number=kk_number).first()
        if family is None:
            raise Http404
        run = family_sync(family=family, trigger=SyncRun.Trigger.STAFF, actor=user)
        return Response(FamilySyncResultSerializer(family_sync_result(run)).data)


class DiscrepancyListView(generics.ListAPIView):
    """The branch's Dukcapil discrepancies, newest first (default: the open queue)."""

    permission_classes = [IsBranchStaff]
    serializer_class = DiscrepancySerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Discrepancy.objects.none()
        qs = discrepancies_for_staff(user=signed_in_user(self.request))
        status = self.request.query_params.get("status", Discrepancy.Status.OPEN)
        if status != "ALL":
            qs = qs.filter(status=status)
        kind = self.request.query_params.get("kind")
        if kind:
            qs = qs.filter(kind=kind)
        return qs.order_by("-first_seen_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, description="OPEN (default), APPLIED, ACCEPTED, KEPT, RESOLVED, ALL"
            ),
            OpenApiParameter("kind", str, description="e.g. NAME, NIK_UNKNOWN, NEW_KK_MEMBER"),
        ],
        responses={
            200: DiscrepancySerializer(many=True),
            400: OpenApiResponse(ERROR_SCHEMA, description="No such page (field error on page)"),
            401: E401,
            403: E403,
        },
        tags=["dukcapil"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DiscrepancyDetailView(APIView):
    permission_classes = [IsBranchStaff]

    @extend_schema(
        responses={200: DiscrepancySerializer, 401: E401, 403: E403, 404: E404},
        tags=["dukcapil"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(DiscrepancySerializer(_scoped(request, pk)).data)


def _scoped(request: Request, pk: int) -> Discrepancy:
    found = discrepancies_for_staff(user=signed_in_user(request)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


class DiscrepancyAcceptView(APIView):
    """Accept the registry's value: the participant's data and status change in the same
    transaction (for NIK_UNKNOWN give the right NIK; for NEW_KK_MEMBER the member is
    registered into the family)."""

    permission_classes = [IsBranchStaff]

    @extend_schema(
        request=AcceptSerializer,
        responses={
            200: DiscrepancySerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Bad input (a NIK that does not fit)"),
            401: E401,
            403: E403,
            404: E404,
            409: OpenApiResponse(ERROR_SCHEMA, description="ALREADY_DECIDED, or a rule refused"),
            503: E503,
        },
        tags=["dukcapil"],
    )
    def post(self, request: Request, pk: int) -> Response:
        discrepancy = _scoped(request, pk)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = discrepancy_accept(
            discrepancy=discrepancy,
            actor=signed_in_user(request),  # type: ignore[arg-type]
            note=body.validated_data.get("note", ""),
            nik=body.validated_data.get("nik"),
        )
        return Response(DiscrepancySerializer(_scoped(request, decided.pk)).data)


class DiscrepancyKeepView(APIView):
    """Keep our value, with the reason. Later syncs never reopen it."""

    permission_classes = [IsBranchStaff]

    @extend_schema(
        request=KeepSerializer,
        responses={
            200: DiscrepancySerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="The reason is missing"),
            401: E401,
            403: E403,
            404: E404,
            409: OpenApiResponse(ERROR_SCHEMA, description="ALREADY_DECIDED"),
        },
        tags=["dukcapil"],
    )
    def post(self, request: Request, pk: int) -> Response:
        discrepancy = _scoped(request, pk)
        body = KeepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decided = discrepancy_keep(
            discrepancy=discrepancy,
            actor=signed_in_user(request),  # type: ignore[arg-type]
            reason=body.validated_data["reason"],
        )
        return Response(DiscrepancySerializer(_scoped(request, decided.pk)).data)
