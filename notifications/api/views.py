"""The caller's notifications and preferences (participants only; scope in the query)."""

from typing import cast

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.models import User
from core.pagination import Pagination
from families.api.views import IsParticipant

from ..selectors import notifications_for_user
from ..services import notifications_mark_read, preference_of, preference_set
from .serializers import MarkReadSerializer, NotificationSerializer, PreferenceSerializer

ERRORS = {
    401: OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token"),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not a participant account"),
}


def _user(request: Request) -> User:
    return cast(User, request.user)


class MyNotificationsView(APIView):
    """Newest first: status changes, bills due, payments, complaint answers, data changes."""

    permission_classes = [IsParticipant]
    # Declared, so the schema documents the page ({count, next, previous, results}).
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("page", int)],
        responses={
            200: NotificationSerializer(many=True),
            400: OpenApiResponse(ERROR_SCHEMA, description="No such page (field error on page)"),
            **ERRORS,
        },
        tags=["notifications"],
    )
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(
            notifications_for_user(user=_user(request)), request, view=self
        )
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class MarkReadView(APIView):
    permission_classes = [IsParticipant]

    @extend_schema(
        request=MarkReadSerializer,
        responses={
            200: inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}),
            400: OpenApiResponse(ERROR_SCHEMA),
            **ERRORS,
        },
        tags=["notifications"],
    )
    def post(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data.get("ids")
        return Response({"marked": notifications_mark_read(user=_user(request), ids=ids)})


class PreferencesView(APIView):
    """Per channel: e-mail (default on) and SMS (default off); the list is always kept."""

    permission_classes = [IsParticipant]

    @extend_schema(responses={200: PreferenceSerializer, **ERRORS}, tags=["notifications"])
    def get(self, request: Request) -> Response:
        return Response(PreferenceSerializer(preference_of(user=_user(request))).data)

    @extend_schema(
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, 400: OpenApiResponse(ERROR_SCHEMA), **ERRORS},
        tags=["notifications"],
    )
    def put(self, request: Request) -> Response:
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = preference_set(user=_user(request), **serializer.validated_data)
        return Response(PreferenceSerializer(preference).data)
