"""Account pages: create an account, Lupa Password, the account page (sessions, tokens, PIN).

Views check the request shape with forms and call one service each; a refused rule comes back
as a form error (or 429 with Retry-After for a limit) and nothing changes."""

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.models import User

from .errors import AccountExists, NotAParticipant, RateLimited
from .forms import (
    ChannelForm,
    CodeForm,
    IdentifyForm,
    PinChangeCodeForm,
    PinChangeStartForm,
    PinSetForm,
    ResetCodeForm,
    SignupDetailsForm,
    password_rules,
)
from .identity import mask_name
from .models import OneTimeCode
from .receivers import PIN_PROMPT
from .selectors import account_of
from .services import codes, identify, password, pin, sessions, signup
from .throttle import check_identify_rate

SIGNUP_TOKEN = "accounts.signup.identity"
SIGNUP_REQUEST = "accounts.signup.request"
RESET_TOKEN = "accounts.reset.identity"
RESET_REQUEST = "accounts.reset.request"
PIN_REQUEST = "accounts.pin.request"


def _refuse(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for field, errors in exc.fields.items():
        if field in form.fields:
            for error in errors:
                form.add_error(field, error)
            placed = True
    if not placed or not exc.fields:
        form.add_error(None, str(exc.message))


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], exc: DomainError | None = None
) -> HttpResponse:
    status = exc.http_status if isinstance(exc, RateLimited) else 200
    response = render(request, f"accounts/{template}", context, status=status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _code_sent(
    request: HttpRequest, request_key: str, issued: codes.IssuedCode, code_page: str
) -> HttpResponse:
    """Keep the pending code request for the code page, which also says where the code went."""
    request.session[request_key] = issued.request_id
    request.session[f"{request_key}.sent_to"] = issued.destination_masked
    return redirect(code_page)


def _identified(request: HttpRequest, key: str, flow: str) -> Any:
    token = request.session.get(key)
    if not token:
        return None
    try:
        return identify.identity_from_token(token=token, flow=flow)
    except DomainError:
        request.session.pop(key, None)
        return None


# --- Create an account ------------------------------------------------------------------------
def signup_start_view(request: HttpRequest) -> HttpResponse:
    form = IdentifyForm(request.POST or None)
    outcome: dict[str, Any] = {}
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            check_identify_rate(request)
            participant = identify.signup_identify(
                identifier=form.cleaned_data["identifier"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except AccountExists as exc:
            outcome = {"account_exists": exc.message}
        except NotAParticipant as exc:
            outcome = {"not_participant": exc.message}
        except DomainError as exc:
            error = exc
            _refuse(form, exc)
        else:
            request.session[SIGNUP_TOKEN] = identify.identity_token(
                participant=participant, flow="signup"
            )
            request.session.pop(SIGNUP_REQUEST, None)
            return redirect("accounts:signup-details")
    return _render(request, "signup_start.html", {"form": form, **outcome}, error)


def signup_details_view(request: HttpRequest) -> HttpResponse:
    participant = _identified(request, SIGNUP_TOKEN, "signup")
    if participant is None:
        return redirect("accounts:signup")
    form = SignupDetailsForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            issued = signup.signup_start(
                participant=participant,
                email=data["email"],
                phone=data["phone"],
                password=data["password"],
                channel=data["channel"],
                language=translation.get_language() or "id",
            )
        except DomainError as exc:
            error = exc
            _refuse(form, exc)
        else:
            return _code_sent(request, SIGNUP_REQUEST, issued, "accounts:signup-code")
    context = {
        "form": form,
        "masked_name": mask_name(participant.name),
        "password_rules": password_rules(),
    }
    return _render(request, "signup_details.html", context, error)


def _code_page(
    request: HttpRequest,
    *,
    request_key: str,
    purpose: str,
    form_class: type[forms.Form],
    complete: Any,
    template: str,
    user: User | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    request_id = request.session.get(request_key)
    if not request_id:
        return redirect("accounts:signup" if purpose == OneTimeCode.Purpose.SIGNUP else "login")
    error: DomainError | None = None
    notice = alert = ""
    form = form_class(None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            issued = codes.code_resend(request_id=request_id, purpose=purpose, user=user)
        except DomainError as exc:
            error = exc
            alert = str(exc.message)
        else:
            request.session[request_key] = issued.request_id
            notice = _("A new code was sent to %(to)s.") % {"to": issued.destination_masked}
    elif request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                result = complete(request_id=request_id, data=form.cleaned_data)
            except DomainError as exc:
                error = exc
                _refuse(form, exc)
            else:
                request.session.pop(request_key, None)
                return result
    sent_to = request.session.get(f"{request_key}.sent_to", "")
    context = {
        "form": form,
        "notice": notice,
        "alert": alert,
        "sent_to": sent_to,
        **(extra or {}),
    }
    return _render(request, template, context, error)


def signup_code_view(request: HttpRequest) -> HttpResponse:
    def complete(*, request_id: str, data: dict[str, Any]) -> HttpResponse:
        user = signup.signup_complete(request_id=request_id, code=data["code"])
        request.session.pop(SIGNUP_TOKEN, None)
        request.session["accounts.signup.done"] = user.participant.card_number
        return redirect("accounts:signup-done")

    return _code_page(
        request,
        request_key=SIGNUP_REQUEST,
        purpose=OneTimeCode.Purpose.SIGNUP,
        form_class=CodeForm,
        complete=complete,
        template="signup_code.html",
    )


def signup_done_view(request: HttpRequest) -> HttpResponse:
    card = request.session.get("accounts.signup.done")
    if not card:
        return redirect("accounts:signup")
    return render(request, "accounts/signup_done.html", {"card_number": card})


# --- Lupa Password ----------------------------------------------------------------------------
def reset_start_view(request: HttpRequest) -> HttpResponse:
    form = IdentifyForm(request.POST or None)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            check_identify_rate(request)
            participant, _options = identify.password_reset_identify(
                identifier=form.cleaned_data["identifier"],
                birth_date=form.cleaned_data["birth_date"],
            )
        except DomainError as exc:
            error = exc
            _refuse(form, exc)
        else:
            request.session[RESET_TOKEN] = identify.identity_token(
                participant=participant, flow="reset"
            )
            return redirect("accounts:reset-channel")
    return _render(request, "reset_start.html", {"form": form}, error)


def reset_channel_view(request: HttpRequest) -> HttpResponse:
    participant = _identified(request, RESET_TOKEN, "reset")
    if participant is None:
        return redirect("accounts:reset")
    options = identify.account_channels(getattr(participant.user, "account", None))
    form = ChannelForm(request.POST or None, options=options)
    error: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = password.password_reset_start(
                participant=participant, channel=form.cleaned_data["channel"]
            )
        except DomainError as exc:
            error = exc
            _refuse(form, exc)
        else:
            return _code_sent(request, RESET_REQUEST, issued, "accounts:reset-code")
    return _render(request, "reset_channel.html", {"form": form}, error)


def reset_code_view(request: HttpRequest) -> HttpResponse:
    def complete(*, request_id: str, data: dict[str, Any]) -> HttpResponse:
        password.password_reset_complete(
            request_id=request_id, code=data["code"], new_password=data["new_password"]
        )
        request.session.pop(RESET_TOKEN, None)
        return redirect("accounts:reset-done")

    return _code_page(
        request,
        request_key=RESET_REQUEST,
        purpose=OneTimeCode.Purpose.PASSWORD_RESET,
        form_class=ResetCodeForm,
        complete=complete,
        template="reset_code.html",
        extra={"password_rules": password_rules()},
    )


def reset_done_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/reset_done.html")


# --- The account page -------------------------------------------------------------------------
def _participant_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or user.role != User.Role.PARTICIPANT:
        raise Http404
    return user


@login_required
def account_view(request: HttpRequest) -> HttpResponse:
    user = _participant_user(request)
    account = account_of(user=user)
    context = {
        "account": account,
        "channels": identify.account_channels(account),
        "sessions": sessions.sessions_active(user=user, current_key=request.session.session_key),
        "tokens": sessions.tokens_active(user=user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def session_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    sessions.session_end(user=_participant_user(request), session_id=session_id)
    return redirect("accounts:account")


@login_required
@require_POST
def token_end_view(request: HttpRequest, token_key: str) -> HttpResponse:
    sessions.token_end(user=_participant_user(request), token_key=token_key)
    return redirect("accounts:account")


@login_required
def pin_view(request: HttpRequest) -> HttpResponse:
    user = _participant_user(request)
    account = account_of(user=user)
    error: DomainError | None = None
    if not account.has_pin:
        set_form = PinSetForm(request.POST or None)
        if request.method == "POST" and set_form.is_valid():
            try:
                pin.pin_set(user=user, pin=set_form.cleaned_data["pin"])
            except DomainError as exc:
                error = exc
                _refuse(set_form, exc)
            else:
                request.session.pop(PIN_PROMPT, None)
                return redirect("families:family")
        return _render(request, "pin_set.html", {"form": set_form}, error)
    form = PinChangeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = pin.pin_change_start(
                user=user,
                password=form.cleaned_data["password"],
                channel=form.cleaned_data["channel"],
            )
        except DomainError as exc:
            error = exc
            _refuse(form, exc)
        else:
            return _code_sent(request, PIN_REQUEST, issued, "accounts:pin-code")
    return _render(request, "pin_change.html", {"form": form, "account": account}, error)


@login_required
def pin_code_view(request: HttpRequest) -> HttpResponse:
    user = _participant_user(request)

    def complete(*, request_id: str, data: dict[str, Any]) -> HttpResponse:
        pin.pin_change_complete(
            user=user, request_id=request_id, code=data["code"], new_pin=data["new_pin"]
        )
        return redirect("accounts:account")

    return _code_page(
        request,
        request_key=PIN_REQUEST,
        purpose=OneTimeCode.Purpose.PIN_CHANGE,
        form_class=PinChangeCodeForm,
        complete=complete,
        template="pin_code.html",
        user=user,
    )
