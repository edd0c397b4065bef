"""Ubah Data pages: a form per change, then one page for the code and/or PIN. A refused
change shows the rule and the first possible day; nothing changes on bad input."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.auth import signed_in_user
from core.errors import DomainError
from core.models import Region

from .forms import (
    AddressForm,
    ClassForm,
    ConfirmForm,
    EmailForm,
    FktpForm,
    NikForm,
    PhoneForm,
    SegmentForm,
)
from .models import ChangeRequest, Kind
from .rules import first_of_next_month
from .selectors import CallerFamily, caller_family, class_quote, facilities_near, family_changes
from .services import (
    Requested,
    change_cancel,
    change_confirm,
    change_request_address,
    change_request_class,
    change_request_contact,
    change_request_fktp,
    change_request_newborn_nik,
    change_request_segment,
)
from .verification import NEEDS_CODE, NEEDS_PIN


def _caller(request: HttpRequest) -> CallerFamily:
    caller = caller_family(user=signed_in_user(request))
    if caller is None:
        raise Http404
    return caller


def _form_errors(form: forms.Form, exc: DomainError) -> None:
    """A refusal becomes form errors: on its fields, else on the whole form."""
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    shown = {str(e) for errors in exc.fields.values() for e in errors}
    if str(exc.message) not in shown:
        form.add_error(None, str(exc.message))


def _form_page(
    request: HttpRequest,
    form: forms.Form,
    start: Callable[[dict[str, Any]], Requested],
    *,
    title: str,
    testid: str,
    intro: str,
    template: str = "changes/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A change's form page: on a valid POST, the service; then the page with the code/PIN
    (or, for a change proven otherwise, the list); a refusal stays on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            requested = start(form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            for member, refusal in requested.skipped:
                messages.warning(request, f"{member.name}: {refusal.message}")
            if requested.request.state == ChangeRequest.State.CONFIRMED:
                messages.success(request, _("Done: the change is in effect."))
                return redirect("changes:index")
            return redirect("changes:confirm", request_id=requested.request.pk)
    context = {"form": form, "title": title, "testid": testid, "intro": intro}
    return render(request, template, {**context, **(extra or {})})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    caller = _caller(request)
    changes = family_changes(family=caller.family)[:100]
    return render(
        request,
        "changes/index.html",
        {"caller": caller, "changes": changes, "today": timezone.localdate()},
    )


@login_required
def segment(request: HttpRequest) -> HttpResponse:
    caller = _caller(request)
    today = timezone.localdate()
    ended = [m for m in caller.members if m.coverage_end and m.coverage_end < today]
    form = SegmentForm(
        request.POST or None, initial={"card_numbers": [m.card_number for m in ended]}
    )
    cast(forms.MultipleChoiceField, form.fields["card_numbers"]).choices = [
        (m.card_number, f"{m.name} · {m.segment.name}") for m in caller.members
    ]
    return _form_page(
        request,
        form,
        lambda data: change_request_segment(
            user=signed_in_user(request),
            card_numbers=data["card_numbers"],
            care_class=data["care_class"],
            bank=data["bank"],
            account_number=data["account_number"],
            account_holder=data["account_holder"],
        ),
        title=_("Change segment to PBPU (Mandiri)"),
        testid="segment-form",
        intro=_(
            "For members whose membership ended (job ended, removed from the PBI list). "
            "After confirming with the code, the virtual account and this month's "
            "amount are shown; coverage starts as soon as the first payment is "
            "confirmed."
        ),
    )


@login_required
def fktp(request: HttpRequest) -> HttpResponse:
    caller = _caller(request)
    facilities = facilities_near(family=caller.family)
    form = FktpForm(request.POST or None, initial={"card_number": caller.participant.card_number})
    cast(forms.ChoiceField, form.fields["card_number"]).choices = [
        (m.card_number, f"{m.name} · {m.fktp.name}") for m in caller.members
    ]
    areas = [_("this district"), _("this regency/city"), _("this province")]
    cast(forms.ChoiceField, form.fields["facility_code"]).choices = [
        (f.code, f"{f.name} · {f.district.name} ({areas[getattr(f, 'nearness', 2)]})")
        for f in facilities
    ]
    return _form_page(
        request,
        form,
        lambda data: change_request_fktp(user=signed_in_user(request), **data),
        title=_("Change FKTP"),
        testid="fktp-form",
        intro=_(
            "Possible after 3 months at the current FKTP; the new FKTP serves you from "
            "%(date)s. Confirm with a code sent to your e-mail and your PIN."
        )
        % {"date": first_of_next_month(timezone.localdate()).strftime("%d-%m-%Y")},
    )


@login_required
def care_class(request: HttpRequest) -> HttpResponse:
    caller = _caller(request)
    form = ClassForm(request.POST or request.GET or None)
    quote = None
    if form.is_bound and form.is_valid():
        quote = class_quote(
            caller=caller,
            care_class=form.cleaned_data["care_class"],
            month=first_of_next_month(timezone.localdate()),
        )
    return _form_page(
        request,
        form,
        lambda data: change_request_class(user=signed_in_user(request), **data),
        title=_("Change class"),
        testid="class-form",
        intro="",
        template="changes/class.html",
        extra={"quote": quote},
    )


def _contact_page(
    request: HttpRequest, form: forms.Form, kind: str, *, title: str, testid: str, intro: str
) -> HttpResponse:
    _caller(request)
    field = "phone" if kind == Kind.PHONE else "email"
    return _form_page(
        request,
        form,
        lambda data: change_request_contact(
            user=signed_in_user(request), kind=kind, value=data[field]
        ),
        title=title,
        testid=testid,
        intro=intro,
    )


@login_required
def phone(request: HttpRequest) -> HttpResponse:
    return _contact_page(
        request,
        PhoneForm(request.POST or None),
        Kind.PHONE,
        title=_("Change phone number"),
        testid="phone-form",
        intro=_("A code is sent to your registered e-mail."),
    )


@login_required
def email(request: HttpRequest) -> HttpResponse:
    return _contact_page(
        request,
        EmailForm(request.POST or None),
        Kind.EMAIL,
        title=_("Change e-mail"),
        testid="email-form",
        intro=_("A code is sent to the new e-mail address."),
    )


@login_required
def address(request: HttpRequest) -> HttpResponse:
    """Province, then regency/city, then district from the Kemendagri lists: each choice
    reloads the page with the next list (no script needed on a phone)."""
    _caller(request)
    data = request.POST if request.method == "POST" else request.GET
    form = AddressForm(data or None)
    province, regency = data.get("province", ""), data.get("regency", "")
    regions = Region.objects.order_by("name")
    fields = form.fields
    cast(forms.ChoiceField, fields["province"]).choices = [("", "—")] + [
        (r.code, r.name) for r in regions.filter(level=Region.Level.PROVINCE)
    ]
    cast(forms.ChoiceField, fields["regency"]).choices = [("", "—")] + [
        (r.code, r.name) for r in regions.filter(level=Region.Level.REGENCY, parent_id=province)
    ]
    cast(forms.ChoiceField, fields["district"]).choices = [("", "—")] + [
        (r.code, r.name)
        for r in regions.filter(
            level=Region.Level.DISTRICT, parent_id=regency if regency.startswith(province) else ""
        )
    ]
    return _form_page(
        request,
        form,
        lambda data: change_request_address(
            user=signed_in_user(request), address=data["address"], district_code=data["district"]
        ),
        title=_("Change mailing address"),
        testid="address-form",
        intro="",
        template="changes/address.html",
    )


@login_required
def newborn_nik(request: HttpRequest) -> HttpResponse:
    caller = _caller(request)
    form = NikForm(request.POST or None)
    cast(forms.ChoiceField, form.fields["card_number"]).choices = [
        (m.card_number, m.name) for m in caller.members if not m.nik
    ]
    return _form_page(
        request,
        form,
        lambda data: change_request_newborn_nik(user=signed_in_user(request), **data),
        title=_("Newborn's NIK"),
        testid="nik-form",
        intro=_(
            "Once Dukcapil has issued the NIK (on the new KK), add it here: it is "
            "checked with Dukcapil and applied at once."
        ),
    )


@login_required
def confirm(request: HttpRequest, request_id: str) -> HttpResponse:
    user = signed_in_user(request)
    change_request = ChangeRequest.objects.filter(pk=request_id, requested_by=user).first()
    if change_request is None:
        raise Http404
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = change_confirm(user=user, request_id=request_id, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            scheduled = done.changes.filter(state="SCHEDULED").exists()
            messages.success(
                request,
                _("Scheduled: it takes effect on the day shown below.")
                if scheduled
                else _("Done: the change is in effect."),
            )
            if done.kind == Kind.SEGMENT:
                return redirect("payments:bills")
            return redirect("changes:index")
    return render(
        request,
        "changes/confirm.html",
        {
            "form": form,
            "change_request": change_request,
            "changes": change_request.changes.select_related("participant").order_by("pk"),
            "needs_code": change_request.kind in NEEDS_CODE,
            "needs_pin": change_request.kind in NEEDS_PIN,
        },
    )


@login_required
@require_POST
def cancel(request: HttpRequest, request_id: str) -> HttpResponse:
    _caller(request)
    try:
        change_cancel(user=signed_in_user(request), request_id=request_id)
    except DomainError as exc:
        if exc.code == "NOT_FOUND":
            raise Http404 from exc
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The scheduled change was cancelled."))
    return redirect("changes:index")
