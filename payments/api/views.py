"""Payments API: the bank notification webhook, and a participant's bills, payments and
denda pelayanan quote. Scope: the caller's own current family, in the query."""

from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.auth import signed_in_user
from core.pagination import Pagination
from families.api.views import IsParticipant
from families.models import FamilyCard
from families.selectors import participant_of_user
from participants.models import Participant

from ..models import Payment, PaymentChannel
from ..selectors import bill_statement, denda_quote, family_bills, family_of_participant
from ..selectors import family_payments as payments_of
from ..services import family_bills_prepare, notification_receive
from .serializers import (
    BillListSerializer,
    BillSerializer,
    BillSummarySerializer,
    DendaQuerySerializer,
    DendaSerializer,
    NotificationAnswerSerializer,
    NotificationRequestSerializer,
    PaymentSerializer,
)

PARTICIPANT_ERRORS = {
    401: OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token"),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not a participant account"),
    404: OpenApiResponse(ERROR_SCHEMA, description="No current family"),
}


PAGED_ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="No such page (field error on page)"),
}


def _caller_family(request: Request) -> tuple[Participant, FamilyCard]:
    participant = participant_of_user(user=signed_in_user(request))
    family = family_of_participant(participant=participant) if participant else None
    if participant is None or family is None:
        raise Http404
    return participant, family


class MyBillsView(APIView):
    """The family's bills, newest first, and what to pay now: the unpaid months (at most 24
    months of arrears plus this month), the credit held and the virtual account."""

    permission_classes = [IsParticipant]

    @extend_schema(
        parameters=[OpenApiParameter("page", int)],
        responses={200: BillListSerializer, **PAGED_ERRORS, **PARTICIPANT_ERRORS},
        tags=["payments"],
    )
    def get(self, request: Request) -> Response:
        _participant, family = _caller_family(request)
        today = timezone.localdate()
        family_bills_prepare(family=family, on=today)
        paginator = Pagination()
        page = paginator.paginate_queryset(family_bills(family=family), request, view=self)
        return Response(
            {
                "count": paginator.page.paginator.count if paginator.page else 0,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "summary": BillSummarySerializer(bill_statement(family=family, on=today)).data,
                "results": BillSerializer(page, many=True).data,
            }
        )


class MyPaymentsView(generics.ListAPIView):
    """Payments credited to the family's virtual account, newest first, paged."""

    permission_classes = [IsParticipant]
    serializer_class = PaymentSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Payment.objects.none()
        _participant, family = _caller_family(self.request)
        return payments_of(family=family)

    @extend_schema(
        responses={200: PaymentSerializer(many=True), **PAGED_ERRORS, **PARTICIPANT_ERRORS},
        tags=["payments"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class MyDendaView(APIView):
    """Denda pelayanan for an inpatient stay: 5% of the INA-CBG cost x months in arrears (at
    most 12), at most Rp30.000.000, if the stay starts within 45 days after reactivation."""

    permission_classes = [IsParticipant]

    @extend_schema(
        parameters=[DendaQuerySerializer],
        responses={
            200: DendaSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Missing or malformed cost or date"),
            **PARTICIPANT_ERRORS,
        },
        tags=["payments"],
    )
    def get(self, request: Request) -> Response:
        query = DendaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        participant, family = _caller_family(request)
        if params.get("card_number"):
            member = (
                Participant.objects.filter(
                    card_number=params["card_number"],
                    memberships__family=family,
                    memberships__valid_to__isnull=True,
                )
                .select_related("segment")
                .first()
            )
            if member is None:
                raise Http404  # another family's card answers like an unknown one
            participant = member
        quote = denda_quote(
            participant=participant,
            inacbg_cost=params["inacbg_cost"],
            on=timezone.localdate(),
            admission_date=params.get("date"),
        )
        return Response(DendaSerializer(quote).data)


class NotificationThrottle(SimpleRateThrottle):
    """Per channel code and client address. A code that names no active channel (anyone on
    the internet) gets a far smaller allowance than a bank, whose peak must never be cut."""

    scope = "notification"

    def allow_request(self, request: Request, view: APIView) -> bool:
        code = request.headers.get("X-Channel-Id", "")[:40]
        known = "\x00" not in code and PaymentChannel.objects.filter(code=code, is_active=True)
        self.scope = "notification" if known and known.exists() else "notification_unknown"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        code = request.headers.get("X-Channel-Id", "")[:40].encode().hex()
        ident = f"{code}:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PaymentNotificationView(APIView):
    """A bank or payment channel confirms a payment to a virtual account.

    Sign with the channel's secret: `X-Signature` = hex HMAC-SHA256 over
    `<X-Timestamp>.<raw body>`, `X-Timestamp` = Unix seconds (at most 5 minutes off),
    `X-Channel-Id` = the channel's code. The transaction id is the idempotency key: a repeat,
    even 20 at once, credits once and gets the same 200 answer. Refused deliveries are stored
    for reconciliation."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [NotificationThrottle]

    @extend_schema(
        request=NotificationRequestSerializer,
        parameters=[
            OpenApiParameter("X-Channel-Id", str, OpenApiParameter.HEADER, required=True),
            OpenApiParameter(
                "X-Timestamp", str, OpenApiParameter.HEADER, required=True, description="Unix s"
            ),
            OpenApiParameter(
                "X-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="hex HMAC-SHA256(secret, timestamp + '.' + raw body)",
            ),
        ],
        responses={
            200: NotificationAnswerSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Malformed body or X-Timestamp"),
            401: OpenApiResponse(
                ERROR_SCHEMA,
                description="UNKNOWN_CHANNEL, BAD_SIGNATURE or TIMESTAMP_EXPIRED",
            ),
            409: OpenApiResponse(
                ERROR_SCHEMA,
                description="UNKNOWN_VIRTUAL_ACCOUNT (kept for staff to match) or "
                "TRANSACTION_CONFLICT (transaction id reused with other data)",
            ),
            429: OpenApiResponse(
                ERROR_SCHEMA, description="Too many deliveries from this address; see Retry-After"
            ),
        },
        examples=[
            OpenApiExample(
                "payment",
                value={
                    "transaction_id": "BNK-20261121-000123",
                    "virtual_account": "8888821002150002",
                    "amount": 210000,
                    "paid_at": "2026-11-21T10:15:00+07:00",
                },
                request_only=True,
            )
        ],
        tags=["payments"],
    )
    def post(self, request: Request) -> Response:
        payment = notification_receive(
            channel_code=request.headers.get("X-Channel-Id", ""),
            timestamp=request.headers.get("X-Timestamp", ""),
            signature=request.headers.get("X-Signature", ""),
            # The signature covers the bytes as sent, so the body is never re-serialized.
            raw_body=request.body,
        )
        return Response(NotificationAnswerSerializer(payment).data)
