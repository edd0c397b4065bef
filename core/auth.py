"""Authentication glue: Bearer tokens (django-rest-knox: hashed, expiring, revocable) and the
django-axes lockout answer for pages and the API."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>`; the prefix comes from REST_KNOX settings."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        # Tokens are hex: anything else (bytes that are not UTF-8, a NUL that PostgreSQL
        # refuses in a query) is simply a wrong token, 401.
        if not token.isascii() or not token.isalnum():
            raise AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "core.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}


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
