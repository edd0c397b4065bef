"""Log in with the JKN card number as well as the NIK (issue 9 point 3): a 13-digit login is
turned into the account's username (its NIK) and checked by Django's ModelBackend (as
core.auth.UserBackend, which reads a session's user in plain SQL)."""

from typing import Any

from django.http import HttpRequest

from core.auth import UserBackend
from core.models import User
from participants.models import Participant


def username_for_card(card_number: str) -> str | None:
    return (
        Participant.objects.filter(
            card_number=card_number, retired_at__isnull=True, user__isnull=False
        )
        .values_list("user__username", flat=True)
        .first()
    )


class CardNumberBackend(UserBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        digits = "".join(ch for ch in (username or "") if ch.isdigit())
        if len(digits) != 13 or digits != "".join((username or "").split()):
            return None
        account_username = username_for_card(digits)
        if account_username is None:
            return None
        return super().authenticate(request, username=account_username, password=password)


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str:
    """The name django-axes counts failed logins under (AXES_USERNAME_CALLABLE): the account's
    own username, so that a NIK and the card number of one account share one count and
    alternating them never buys more tries (issue 7 point 7, issue 9 point 6)."""
    raw: Any = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    text = "".join(str(raw or "").split())
    if len(text) == 13 and text.isdigit():
        return username_for_card(text) or text
    return text
