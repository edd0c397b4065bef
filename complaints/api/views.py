"""Complaints API (DESIGN.md 4.7, 5). Participants reach their own family's complaints, staff
their branch's: the scope is in the queryset, so anything else is 404 like a missing id.
Facility accounts are refused (403)."""

from typing import cast

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA, error_body
from core.models import User
from core.pagination import Pagination
from families.api.views import IsParticipant
from families.selectors import family_view_for_user

from ..downloads import attachment_response
from ..models import Complaint, ComplaintStatus
from ..selectors import complaints_for_user, with_conversation
from ..services import (
    complaint_delete,
    complaint_file,
    complaint_mark_done,
    complaint_reply_as_branch,
    complaint_reply_as_participant,
    complaint_trigger_resync,
)
from ..throttles import ComplaintFileThrottle
from .serializers import (
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintSerializer,
    ReplyCreateSerializer,
    ReplySerializer,
)


def _is_staff(user: User) -> bool:
    return user.is_superuser or (user.role == User.Role.STAFF and user.branch_id is not None)


class IsParticipantOrStaff(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = cast(User, request.user)
        if not (user and user.is_authenticated):
            return False
        return user.role == User.Role.PARTICIPANT or _is_staff(user)


class IsStaff(BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        user = cast(User, request.user)
        return bool(user and user.is_authenticated and _is_staff(user))


E401 = OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token")
E403 = OpenApiResponse(ERROR_SCHEMA, description="This account's role may not do this")
E404 = OpenApiResponse(ERROR_SCHEMA, description="Not found, or not your family's / branch's")
E400 = OpenApiResponse(ERROR_SCHEMA, description="Bad input: see fields")
E409 = OpenApiResponse(
    ERROR_SCHEMA,
    description="The complaint's status does not allow it "
    "(COMPLAINT_NOT_OPEN, COMPLAINT_NOT_IN_HANDLING, COMPLAINT_FINISHED)",
)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _complaint(request: Request, pk: int, *, conversation: bool = False) -> Complaint:
    qs = complaints_for_user(user=_user(request))
    if conversation:
        qs = with_conversation(qs)
    complaint = qs.filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def _detail(request: Request, pk: int, status_code: int = 200) -> Response:
    complaint = _complaint(request, pk, conversation=True)
    context = {"staff": _user(request).role != User.Role.PARTICIPANT}
    return Response(ComplaintDetailSerializer(complaint, context=context).data, status=status_code)


class ComplaintListView(APIView):
    """Participant: their family's complaints, newest first; file a new one (JSON, or
    multipart/form-data with an attachment; `Idempotency-Key` makes a retry safe).
    Staff: their branch's queue, oldest first, filtered by `status`."""

    permission_classes = [IsParticipantOrStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    # Declared, so the schema documents the page ({count, next, previous, results}).
    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("status", str, enum=ComplaintStatus.values),
        ],
        responses={200: ComplaintSerializer(many=True), 400: E400, 401: E401, 403: E403},
        tags=["complaints"],
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        qs = complaints_for_user(user=user)
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in ComplaintStatus.values:
                return Response(
                    error_body(
                        "VALIDATION_ERROR",
                        _("Some fields are invalid; see fields."),
                        {
                            "status": [
                                _("One of: %(v)s.") % {"v": ", ".join(ComplaintStatus.values)}
                            ]
                        },
                    ),
                    status=400,
                )
            qs = qs.filter(status=wanted)
        staff = user.role != User.Role.PARTICIPANT
        qs = qs.order_by("created_at", "id") if staff else qs.order_by("-created_at", "-id")
        paginator = Pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ComplaintSerializer(page, many=True, context={"staff": staff}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request={
            "application/json": ComplaintCreateSerializer,
            "multipart/form-data": ComplaintCreateSerializer,
        },
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
        responses={
            201: ComplaintDetailSerializer,
            200: OpenApiResponse(
                ComplaintDetailSerializer, description="Same Idempotency-Key: the earlier one"
            ),
            400: E400,
            401: E401,
            403: E403,
            429: OpenApiResponse(ERROR_SCHEMA, description="Too many complaints; see Retry-After"),
        },
        tags=["complaints"],
    )
    def post(self, request: Request) -> Response:
        if not IsParticipant().has_permission(request, self):
            self.permission_denied(request)
        throttle = ComplaintFileThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait() or 60.0)
        serializer = ComplaintCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        view = family_view_for_user(user=_user(request), on=timezone.localdate())
        member = view.member(data["participant"]) if view else None
        if member is None:
            return Response(
                error_body(
                    "VALIDATION_ERROR",
                    _("Some fields are invalid; see fields."),
                    {"participant": [_("Not a member of your family.")]},
                ),
                status=400,
            )
        key = request.headers.get("Idempotency-Key", "").strip()
        before = (
            Complaint.objects.filter(filed_by=_user(request), client_key=key).exists()
            if key
            else False
        )
        complaint = complaint_file(
            filed_by=_user(request),
            member=member.participant,
            category=data["category"],
            topic=data["topic"],
            subject=data["subject"],
            text=data["text"],
            attachment=data.get("attachment"),
            resync_requested=data["resync_requested"],
            client_key=key,
        )
        return _detail(request, complaint.pk, 200 if before else status.HTTP_201_CREATED)


class ComplaintDetailView(APIView):
    """One complaint with its conversation. DELETE: the participant, while it is OPEN."""

    permission_classes = [IsParticipantOrStaff]

    @extend_schema(
        responses={200: ComplaintDetailSerializer, 401: E401, 403: E403, 404: E404},
        tags=["complaints"],
    )
    def get(self, request: Request, pk: int) -> Response:
        return _detail(request, pk)

    @extend_schema(
        responses={204: None, 401: E401, 403: E403, 404: E404, 409: E409}, tags=["complaints"]
    )
    def delete(self, request: Request, pk: int) -> Response:
        complaint = _complaint(request, pk)
        if not IsParticipant().has_permission(request, self):
            self.permission_denied(request)
        complaint_delete(complaint=complaint, actor=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ComplaintRepliesView(APIView):
    """The conversation; POST a reply: staff answer (OPEN or PENANGANAN becomes PENANGANAN),
    the participant answers while it is PENANGANAN."""

    permission_classes = [IsParticipantOrStaff]

    @extend_schema(
        responses={200: ReplySerializer(many=True), 401: E401, 403: E403, 404: E404},
        tags=["complaints"],
    )
    def get(self, request: Request, pk: int) -> Response:
        complaint = _complaint(request, pk, conversation=True)
        return Response(ReplySerializer(complaint.replies.all(), many=True).data)

    @extend_schema(
        request=ReplyCreateSerializer,
        responses={
            201: ComplaintDetailSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: E409,
        },
        tags=["complaints"],
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _complaint(request, pk)
        serializer = ReplyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, text = _user(request), serializer.validated_data["text"]
        if user.role == User.Role.PARTICIPANT:
            complaint_reply_as_participant(complaint=complaint, actor=user, text=text)
        else:
            complaint_reply_as_branch(complaint=complaint, actor=user, text=text)
        return _detail(request, pk, status.HTTP_201_CREATED)


class ComplaintCloseView(APIView):
    """The participant marks the complaint done (SELESAI) while the branch is handling it."""

    permission_classes = [IsParticipantOrStaff]

    @extend_schema(
        request=None,
        responses={200: ComplaintDetailSerializer, 401: E401, 403: E403, 404: E404, 409: E409},
        tags=["complaints"],
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _complaint(request, pk)
        if not IsParticipant().has_permission(request, self):
            self.permission_denied(request)  # staff answer; only the participant closes
        complaint_mark_done(complaint=complaint, actor=_user(request))
        return _detail(request, pk)


class ComplaintResyncView(APIView):
    """Staff: start the Dukcapil sync of the complaint's family (queued after commit)."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=None,
        responses={202: ComplaintDetailSerializer, 401: E401, 403: E403, 404: E404},
        tags=["complaints"],
    )
    def post(self, request: Request, pk: int) -> Response:
        complaint = _complaint(request, pk)
        complaint_trigger_resync(complaint=complaint, actor=_user(request))
        return _detail(request, pk, status.HTTP_202_ACCEPTED)


class ComplaintAttachmentView(APIView):
    """The complaint's attachment, to its family and its branch's staff only."""

    permission_classes = [IsParticipantOrStaff]

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            401: E401,
            403: E403,
            404: E404,
        },
        tags=["complaints"],
    )
    def get(self, request: Request, pk: int) -> object:
        complaint = _complaint(request, pk)
        if not complaint.attachment:
            raise Http404
        return attachment_response(complaint)
