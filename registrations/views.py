"""Pendaftaran Peserta Baru in the browser: one page per step, the draft kept between visits
(a visitor's drafts are tied to the session, a signed-in user's to the account)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.auth import signed_in_user
from core.errors import DomainError, ValidationFailed
from core.models import Region, User
from participants.models import Participant

from . import services
from .forms import KkForm, MemberAddForm
from .models import Registration
from .selectors import (
    facilities_near,
    member_offer_initial,
    ppu_further_member_amount,
    registration_for_public_id,
    registration_public_state,
)

SESSION_KEY = "registrations"
Step = Registration.Step


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None  # type: ignore[return-value]


def _owned(request: HttpRequest, public_id: str) -> Registration:
    registration = registration_for_public_id(public_id=public_id)
    if registration is None:
        raise Http404
    actor = _actor(request)
    if registration.created_by_id is not None:
        if actor is None or actor.pk != registration.created_by_id:
            raise Http404
    elif str(registration.public_id) not in request.session.get(SESSION_KEY, []):
        raise Http404
    return registration


def start(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    is_staff = actor is not None and actor.role == User.Role.STAFF
    if actor is not None and actor.role == User.Role.FACILITY:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            registration = services.registration_start(
                actor=actor, counter_reason=request.POST.get("counter_reason", "")
            )
        except DomainError as exc:
            error = exc
        else:
            request.session[SESSION_KEY] = [
                *request.session.get(SESSION_KEY, [])[-4:],
                str(registration.public_id),
            ]
            return redirect("registrations:flow", public_id=registration.public_id)
    drafts = [
        r
        for r in Registration.objects.filter(
            public_id__in=request.session.get(SESSION_KEY, []), state=Registration.State.DRAFT
        )
        if registration_public_state(registration=r, on=timezone.localdate()) == "DRAFT"
    ]
    return render(
        request,
        "registrations/start.html",
        {"is_staff": is_staff, "error": error, "drafts": drafts},
    )


def _members_from_post(request: HttpRequest, registration: Registration) -> list[dict[str, Any]]:
    chosen = []
    for m in services.required_members(registration):
        nik = m["nik"]
        if request.POST.get(f"include_{nik}") != "on":
            continue
        chosen.append(
            {
                "nik": nik,
                "phone": request.POST.get(f"phone_{nik}", "").strip(),
                "email": request.POST.get(f"email_{nik}", "").strip(),
                "fktp_id": request.POST.get(f"fktp_{nik}", ""),
            }
        )
    return chosen


def _post_step(request: HttpRequest, registration: Registration, step: str) -> Registration:
    p = request.POST
    if step == Step.TERMS:
        return services.registration_accept_terms(
            registration=registration, accepted=p.get("accepted") == "on"
        )
    if step == Step.KK:
        form = KkForm(p)
        if not form.is_valid():
            fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            raise ValidationFailed(next(iter(fields.values()))[0], fields=fields)
        return services.registration_set_kk(
            registration=registration, kk_number=form.cleaned_data["kk_number"]
        )
    if step == Step.MEMBERS:
        return services.registration_set_members(
            registration=registration, members=_members_from_post(request, registration)
        )
    if step == Step.CLASS:
        try:
            care_class = int(p.get("care_class", "0"))
        except ValueError:
            care_class = 0
        return services.registration_set_class(registration=registration, care_class=care_class)
    if step == Step.CONTACT:
        return services.registration_set_contact(
            registration=registration, email=p.get("email", ""), phone=p.get("phone", "")
        )
    if step == Step.VERIFY:
        return services.registration_verify_contact(
            registration=registration, code=p.get("code", "")
        )
    if step == Step.CONSENT:
        return services.registration_submit(
            registration=registration,
            consent=p.get("consent") == "on",
            actor=_actor(request),
            on=timezone.localdate(),
        )
    if step == "PAYMENT_RESTART":
        return services.registration_payment_restart(
            registration=registration, on=timezone.localdate()
        )
    raise Http404


def flow(request: HttpRequest, public_id: str) -> HttpResponse:
    registration = _owned(request, public_id)
    error: DomainError | None = None
    shown = request.GET.get("step") or registration.step
    if request.method == "POST":
        shown = request.POST.get("step", "")
        try:
            registration = _post_step(request, registration, shown)
        except DomainError as exc:
            error = exc
        else:
            if shown == "PAYMENT_RESTART":
                messages.success(request, _("A new virtual account is issued and e-mailed."))
            return redirect("registrations:flow", public_id=registration.public_id)
    registration.refresh_from_db()
    today = timezone.localdate()
    state = registration_public_state(registration=registration, on=today)
    if state != "DRAFT" or shown not in Step.values or shown == Step.DONE:
        shown = registration.step
    # Going back is allowed; going past the step reached is not.
    order = services.STEP_ORDER
    if order.index(shown) > order.index(registration.step):
        shown = registration.step
    context: dict[str, Any] = {
        "registration": registration,
        "state": state,
        "shown": shown,
        "error": error,
        "post": request.POST if error else {},
        "steps": [(s.value, s.label) for s in Step if s != Step.DONE],
        "members": registration.data.get("members", []),
    }
    district_code = registration.data.get("kk", {}).get("district_code")
    if shown == Step.KK:
        context["kk_form"] = KkForm(initial={"kk_number": registration.kk_number})
    if shown == Step.MEMBERS and district_code:
        context["facilities"] = list(
            facilities_near(district=Region.objects.get(code=district_code))
        )
    if shown in (Step.CLASS, Step.CONSENT) and registration.data.get("members"):
        context["quotes"] = [
            services.class_quote(registration=registration, care_class=c, on=today)
            for c in (1, 2, 3)
        ]
    if registration.family is not None:
        context["amount_due"] = services.first_payment_amount(registration.family, on=today)
    return render(request, "registrations/flow.html", context)


@login_required
def member_add(request: HttpRequest) -> HttpResponse:
    """Tambah anggota keluarga from Info Peserta; `?offer=` pre-fills it with a member the
    sync panel offers (Dukcapil lists them on the KK), under the same rules."""
    user = signed_in_user(request)
    if user.role != User.Role.PARTICIPANT:
        raise Http404
    offer_id = request.POST.get("offer") or request.GET.get("offer") or ""
    initial = None
    if offer_id:
        initial = member_offer_initial(user=user, offer_id=offer_id)
        if initial is None:
            raise Http404
    form = MemberAddForm(request.POST or None, initial=initial)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            registration = services.family_member_add(
                user=user,
                member=services.NewMember(
                    nik=d["nik"] or None,
                    birth_certificate_number=d["birth_certificate_number"],
                    name=d["name"],
                    birth_place=d["birth_place"],
                    birth_date=d["birth_date"],
                    sex=d["sex"],
                    relationship=d["relationship"],
                ),
                on=timezone.localdate(),
            )
        except DomainError as exc:
            error = exc
            for field, errors in exc.fields.items():
                if field in form.fields:
                    for e in errors:
                        form.add_error(field, e)
        else:
            return redirect("registrations:member_added", public_id=registration.public_id)
    return render(
        request,
        "registrations/member_add.html",
        {"form": form, "error": error, "offer": initial},
    )


@login_required
def member_added(request: HttpRequest, public_id: str) -> HttpResponse:
    registration = registration_for_public_id(public_id=public_id)
    if registration is None or registration.created_by_id != request.user.pk:
        raise Http404
    participant = Participant.objects.get(pk=registration.data["participant_id"])
    amount = 0
    if registration.state == Registration.State.AWAITING_PAYMENT and registration.family:
        amount = services.first_payment_amount(registration.family, on=timezone.localdate())
    further = ppu_further_member_amount(
        user=signed_in_user(request), participant=participant, on=timezone.localdate()
    )
    return render(
        request,
        "registrations/member_added.html",
        {
            "registration": registration,
            "participant": participant,
            "amount_due": amount,
            "ppu_further_amount": further,
        },
    )
