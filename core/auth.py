"""Authentication glue: Bearer tokens (django-rest-knox: hashed, expiring, revocable) and the
django-axes lockout answer for pages and the API."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework.request import Request

from .models import User


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>`; the prefix comes from REST_KNOX settings."""

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Only the token presented: refused and deleted once expired. knox also read all the
        user's other tokens on every request to delete their expired ones, a query per API
        call (issue 14); a login does that instead (core.api_views.TokenView)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


def signed_in_user(request: HttpRequest | Request) -> User:
    """The caller of a view that only signed-in users reach (login_required, or a DRF
    permission that requires a user): typed as our User, never AnonymousUser."""
    user = request.user
    if not isinstance(user, User):  # the view's guard is missing: refuse, never guess
        raise PermissionDenied
    return user


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _("Too many failed logins for this account or address. Try again in %(m)d minutes.") % {
        "m": lockout_minutes()
    }


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"code": "LOGIN_LOCKED", "message": lockout_message(), "fields": {}}, status=429
        )
    else:
        from .forms import LoginForm

        form = LoginForm(request=request)
        response = render(
            request,
            "core/login.html",
            {"form": form, "lockout_message": lockout_message()},
            status=429,
        )
    response["Retry-After"] = retry_after
    return response
