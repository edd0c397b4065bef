"""Ubah Data API under /api/v1/me/changes/: scope is the caller's own family, in the query;
a refused change answers 409 with the rule's code and the first possible day."""

from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.auth import signed_in_user
from core.pagination import Pagination
from families.api.views import IsParticipant

from ..models import Kind
from ..rules import first_of_next_month
from ..selectors import CallerFamily, caller_family, class_quote, facilities_near, family_changes
from ..services import (
    change_cancel,
    change_confirm,
    change_request_address,
    change_request_class,
    change_request_contact,
    change_request_fktp,
    change_request_newborn_nik,
    change_request_segment,
)
from .serializers import (
    AddressRequestSerializer,
    ChangeSerializer,
    ClassQuoteSerializer,
    ClassRequestSerializer,
    ConfirmSerializer,
    EmailRequestSerializer,
    FacilitySerializer,
    FktpRequestSerializer,
    NikRequestSerializer,
    PhoneRequestSerializer,
    RequestedSerializer,
    SegmentRequestSerializer,
    quote_data,
    requested_data,
)

ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Bad input, wrong code or PIN"),
    401: OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token"),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not a participant account"),
    404: OpenApiResponse(ERROR_SCHEMA, description="Not found or not in your family"),
    # Found by tests/test_api_fuzz.py: too many verification codes asked for.
    429: OpenApiResponse(ERROR_SCHEMA, description="CODE_SEND_LIMIT: too many codes sent"),
    409: OpenApiResponse(
        ERROR_SCHEMA,
        description="A rule refused the change: the code names it (FKTP_TOO_SOON, "
        "CLASS_TOO_SOON, CLASS_ARREARS, SEGMENT_STILL_ACTIVE, SEGMENT_PD_PEMDA_TOO_SOON, "
        "SEGMENT_PBPU_ARREARS, FKTP_SEGMENT_NOT_ALLOWED, FKTP_FULL, ...), the message the "
        "first day it becomes possible",
    ),
}


def _caller(request: Request) -> CallerFamily:
    caller = caller_family(user=signed_in_user(request))
    if caller is None:
        raise Http404
    return caller


class MyChangesView(APIView):
    """The family's data changes, newest first: scheduled, in effect, cancelled, reversed."""

    permission_classes = [IsParticipant]
    # Declared, so the schema documents the page ({count, next, previous, results}).
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("page", int)],
        responses={
            200: ChangeSerializer(many=True),
            400: OpenApiResponse(ERROR_SCHEMA, description="No such page (field error on page)"),
            **ERRORS,
        },
        tags=["changes"],
    )
    def get(self, request: Request) -> Response:
        caller = _caller(request)
        paginator = Pagination()
        page = paginator.paginate_queryset(family_changes(family=caller.family), request, view=self)
        return paginator.get_paginated_response(ChangeSerializer(page, many=True).data)


def _request_view(
    serializer_class: type[serializers.Serializer], start: Any, doc: str
) -> type[APIView]:
    class View(APIView):
        permission_classes = [IsParticipant]

        @extend_schema(
            request=serializer_class,
            responses={201: RequestedSerializer, **ERRORS},
            tags=["changes"],
            description=doc,
        )
        def post(self, request: Request) -> Response:
            body = serializer_class(data=request.data)
            body.is_valid(raise_exception=True)
            requested = start(user=signed_in_user(request), **body.validated_data)
            return Response(requested_data(requested), status=201)

    View.__name__ = View.__qualname__ = (
        f"{serializer_class.__name__.removesuffix('Serializer')}View"
    )
    View.__doc__ = doc
    return View


SegmentRequestView = _request_view(
    SegmentRequestSerializer,
    change_request_segment,
    "Change members whose coverage ended (SEGMENT_ENDED, PBI_DELISTED) to PBPU (Mandiri), "
    "with the autodebit consent. A code is sent; confirm to issue the VA and amount.",
)
FktpRequestView = _request_view(
    FktpRequestSerializer,
    change_request_fktp,
    "Change the FKTP of one member or the whole family from the 1st of next month. A code "
    "is sent to the registered e-mail; confirm with the code and the PIN.",
)
ClassRequestView = _request_view(
    ClassRequestSerializer,
    change_request_class,
    "Change the class of the whole family from next month; confirm with the PIN.",
)
AddressRequestView = _request_view(
    AddressRequestSerializer,
    lambda *, user, address, district: change_request_address(
        user=user, address=address, district_code=district
    ),
    "Change the mailing address (district from the Kemendagri list); confirm with the PIN.",
)
PhoneRequestView = _request_view(
    PhoneRequestSerializer,
    lambda *, user, phone: change_request_contact(user=user, kind=Kind.PHONE, value=phone),
    "Change the phone number; a code goes to the registered e-mail.",
)
EmailRequestView = _request_view(
    EmailRequestSerializer,
    lambda *, user, email: change_request_contact(user=user, kind=Kind.EMAIL, value=email),
    "Change the e-mail; a code goes to the new address.",
)


NikRequestView = _request_view(
    NikRequestSerializer,
    change_request_newborn_nik,
    "Add the NIK Dukcapil issued for a newborn registered without one; checked against the "
    "registry and applied at once (no code).",
)


class ConfirmView(APIView):
    """Confirm a request with its code and/or PIN: applied now or scheduled."""

    permission_classes = [IsParticipant]

    @extend_schema(
        request=ConfirmSerializer,
        responses={200: ChangeSerializer(many=True), **ERRORS},
        tags=["changes"],
    )
    def post(self, request: Request, request_id: UUID) -> Response:
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = change_confirm(
            user=signed_in_user(request), request_id=str(request_id), **body.validated_data
        )
        return Response(ChangeSerializer(done.changes.order_by("pk"), many=True).data)


class CancelView(APIView):
    """Cancel a scheduled change before it takes effect."""

    permission_classes = [IsParticipant]

    @extend_schema(
        request=None, responses={200: ChangeSerializer(many=True), **ERRORS}, tags=["changes"]
    )
    def post(self, request: Request, request_id: UUID) -> Response:
        user = signed_in_user(request)
        change_cancel(user=user, request_id=str(request_id))
        caller = _caller(request)
        changes = family_changes(family=caller.family).filter(request_id=request_id)
        return Response(ChangeSerializer(changes, many=True).data)


class FacilitiesView(APIView):
    """FKTP the family may choose, nearest first (district, regency/city, province)."""

    permission_classes = [IsParticipant]

    @extend_schema(responses={200: FacilitySerializer(many=True), **ERRORS}, tags=["changes"])
    def get(self, request: Request) -> Response:
        caller = _caller(request)
        return Response(FacilitySerializer(facilities_near(family=caller.family), many=True).data)


class ClassQuoteView(APIView):
    """The new iuran per member and per family in a class, before confirming."""

    permission_classes = [IsParticipant]

    @extend_schema(
        parameters=[OpenApiParameter("care_class", int, required=True)],
        responses={200: ClassQuoteSerializer, **ERRORS},
        tags=["changes"],
    )
    def get(self, request: Request) -> Response:
        body = ClassRequestSerializer(data=request.query_params)
        body.is_valid(raise_exception=True)
        caller = _caller(request)
        quote = class_quote(
            caller=caller,
            care_class=int(body.validated_data["care_class"]),
            month=first_of_next_month(timezone.localdate()),
        )
        return Response(quote_data(quote))
