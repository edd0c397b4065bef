"""Registration API: a draft is created, each step posted in turn, then submitted.

The draft's id (a random UUID) is what a visitor holds, like the page's session; a draft
started by a signed-in user answers only to that user (others get 404, as for a missing id)."""

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.api import ERROR_SCHEMA
from core.auth import signed_in_user
from core.models import User
from families.api.views import IsParticipant

from .. import services
from ..botcheck import bot_check
from ..models import Registration
from ..selectors import registration_for_public_id
from ..services.members import NewMember
from . import serializers as s


class RegistrationThrottle(AnonRateThrottle):
    scope = "registration"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        # Per address for everyone (signed in or not): the KK step asks Dukcapil.
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


ERRORS = {
    400: OpenApiResponse(ERROR_SCHEMA, description="Bad input: see fields"),
    404: OpenApiResponse(ERROR_SCHEMA, description="No such registration (or not yours)"),
    409: OpenApiResponse(
        ERROR_SCHEMA,
        description="A rule refused: KK_NOT_FOUND, KK_ALREADY_REGISTERED, PARTIAL_FAMILY, "
        "NOTHING_TO_REGISTER, NIK_ALREADY_REGISTERED, STEP_NOT_REACHED, ALREADY_SUBMITTED, ...",
    ),
    410: OpenApiResponse(ERROR_SCHEMA, description="DRAFT_EXPIRED: start again"),
    429: OpenApiResponse(ERROR_SCHEMA, description="Too many requests"),
    503: OpenApiResponse(ERROR_SCHEMA, description="REGISTRY_UNAVAILABLE: Dukcapil unreachable"),
}


def _actor(request: Request) -> User | None:
    user = request.user
    return user if user is not None and user.is_authenticated else None  # type: ignore[return-value]


def owned_registration(request: Request, public_id: str) -> Registration:
    registration = registration_for_public_id(public_id=public_id)
    if registration is None:
        raise Http404
    actor = _actor(request)
    if registration.created_by_id is not None and (
        actor is None or actor.pk != registration.created_by_id
    ):
        raise Http404
    return registration


def _answer(registration: Registration, code: int = status.HTTP_200_OK) -> Response:
    registration.refresh_from_db()
    return Response(s.RegistrationSerializer(registration).data, status=code)


class RegistrationCreateView(APIView):
    """Start a registration draft (staff at the counter give `counter_reason`)."""

    permission_classes = [AllowAny]
    throttle_classes = [RegistrationThrottle]

    @extend_schema(
        request=s.RegistrationStartSerializer,
        responses={201: s.RegistrationSerializer, **ERRORS},
        tags=["registrations"],
    )
    def post(self, request: Request) -> Response:
        body = s.RegistrationStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        registration = services.registration_start(
            actor=_actor(request), counter_reason=body.validated_data.get("counter_reason", "")
        )
        return _answer(registration, status.HTTP_201_CREATED)


class RegistrationDetailView(APIView):
    """The registration's state: members from Dukcapil, FKTP choices, iuran per class, VA."""

    permission_classes = [AllowAny]
    throttle_classes = [RegistrationThrottle]

    @extend_schema(responses={200: s.RegistrationSerializer, **ERRORS}, tags=["registrations"])
    def get(self, request: Request, public_id: str) -> Response:
        return _answer(owned_registration(request, public_id))


def _step_view(
    name: str,
    serializer: type[serializers.Serializer],
    call: Callable[[Request, Registration, dict[str, Any]], Registration],
    doc: str,
) -> type[APIView]:
    class StepView(APIView):
        permission_classes = [AllowAny]
        throttle_classes = [RegistrationThrottle]

        @extend_schema(
            operation_id=f"registrations_{name}",
            description=doc,
            request=serializer,
            responses={200: s.RegistrationSerializer, **ERRORS},
            tags=["registrations"],
        )
        def post(self, request: Request, public_id: str) -> Response:
            registration = owned_registration(request, public_id)
            body = serializer(data=request.data)
            body.is_valid(raise_exception=True)
            return _answer(call(request, registration, body.validated_data))

    StepView.__name__ = f"Registration{name.title()}View"
    return StepView


TermsView = _step_view(
    "terms",
    s.RegistrationTermsSerializer,
    lambda rq, r, d: services.registration_accept_terms(registration=r, accepted=d["accepted"]),
    "Accept the terms.",
)


def _kk_step(request: Request, registration: Registration, d: dict[str, Any]) -> Registration:
    bot_check(key=d["captcha_key"], value=d["captcha_value"])
    return services.registration_set_kk(registration=registration, kk_number=d["kk_number"])


KkView = _step_view(
    "kk",
    s.RegistrationKkSerializer,
    _kk_step,
    "Pull the KK's members from Dukcapil (after the bot check: captcha_key from GET "
    "/api/v1/accounts/captcha/); each member is REQUIRED, COVERED_ELSEWHERE or DECEASED.",
)
MembersView = _step_view(
    "members",
    s.RegistrationMembersSerializer,
    lambda rq, r, d: services.registration_set_members(registration=r, members=d["members"]),
    "Phone, e-mail and FKTP of every REQUIRED member (all of them: PARTIAL_FAMILY otherwise).",
)
ClassView = _step_view(
    "class",
    s.RegistrationClassSerializer,
    lambda rq, r, d: services.registration_set_class(registration=r, care_class=d["care_class"]),
    "Choose the class (class_quotes shows the iuran per member and the family total).",
)
ContactView = _step_view(
    "contact",
    s.RegistrationContactSerializer,
    lambda rq, r, d: services.registration_set_contact(
        registration=r, email=d["email"], phone=d.get("phone", "")
    ),
    "The family's contact; a 6-digit code is sent to the e-mail.",
)
VerifyView = _step_view(
    "verify",
    s.RegistrationCodeSerializer,
    lambda rq, r, d: services.registration_verify_contact(registration=r, code=d["code"]),
    "Check the code sent to the contact.",
)
SubmitView = _step_view(
    "submit",
    s.RegistrationSubmitSerializer,
    lambda rq, r, d: services.registration_submit(
        registration=r, consent=d["consent"], actor=_actor(rq), on=timezone.localdate()
    ),
    "Consent and submit: the family is created (TIDAK AKTIF until the first payment) and the "
    "first payment's virtual account issued, valid 30 days, and sent by e-mail.",
)
PaymentRestartView = _step_view(
    "payment_restart",
    serializers.Serializer,
    lambda rq, r, d: services.registration_payment_restart(registration=r, on=timezone.localdate()),
    "The first VA expired unpaid: issue a new one (valid another 30 days).",
)


class MyFamilyMembersView(APIView):
    """Tambah anggota keluarga: add a member (or a newborn) to the caller's own family."""

    permission_classes = [IsParticipant]

    @extend_schema(
        request=s.FamilyMemberAddSerializer,
        responses={
            201: s.FamilyMemberAddedSerializer,
            401: OpenApiResponse(ERROR_SCHEMA, description="No, expired or revoked token"),
            403: OpenApiResponse(ERROR_SCHEMA, description="Not a participant account"),
            **{k: v for k, v in ERRORS.items() if k in (400, 409, 503)},
        },
        description="Codes: PBI_ASK_DINAS_SOSIAL, PPU_NOT_DEPENDANT, NIK_ALREADY_REGISTERED, "
        "NIK_NOT_FOUND, DUKCAPIL_MISMATCH, NOT_ON_KK, DECEASED.",
        tags=["family"],
    )
    def post(self, request: Request) -> Response:
        body = s.FamilyMemberAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        registration = services.family_member_add(
            user=signed_in_user(request),
            member=NewMember(
                nik=d.get("nik") or None,
                birth_certificate_number=d.get("birth_certificate_number", ""),
                name=d["name"],
                birth_place=d.get("birth_place", ""),
                birth_date=d["birth_date"],
                sex=d["sex"],
                relationship=d["relationship"],
            ),
            on=timezone.localdate(),
        )
        return Response(s.FamilyMemberAddedSerializer(registration).data, status=201)
