"""Django's login signal, connected in AccountsConfig.ready: records the browser session so
the participant can list and end it. The work is in services.sessions."""

from typing import Any

from django.http import HttpRequest

from core.models import User

from .services.sessions import session_record_login


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
