"""Django's login signal, connected in AccountsConfig.ready: records the browser session so
the participant can list and end it. The work is in services.sessions."""

from typing import Any

from django.http import HttpRequest

from core.models import User

from .services.pin import account_needs_pin
from .services.sessions import session_record_login

PIN_PROMPT = "accounts.pin_missing"


def record_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    session_record_login(
        user=user,
        session=request.session,
        ip_address=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        remember=request.POST.get("remember_me") in {"on", "true", "1"},
    )
    # The PIN is set after the first login: every page asks for it until it exists.
    if account_needs_pin(user=user):
        request.session[PIN_PROMPT] = True
