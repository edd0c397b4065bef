"""The API's one error shape: {"code": ..., "message": ..., "fields": {...}} (DESIGN.md 5)."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def error_body(code: str, message: Any, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _flatten_fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, list):
                out[key] = [str(v) for v in value]
            elif isinstance(value, dict):
                for sub, sub_value in _flatten_fields(value).items():
                    out[f"{key}.{sub}"] = sub_value
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        refused = Response(error_body(exc.code, exc.message, exc.fields), status=exc.http_status)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            refused["Retry-After"] = str(retry_after)
        return refused
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django answer 500 and log it

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten_fields(exc.detail)
        response.data = error_body(
            "VALIDATION_ERROR", _("Some fields are invalid; see fields."), fields
        )
    elif isinstance(exc, exceptions.NotAuthenticated):
        response.data = error_body("NOT_AUTHENTICATED", _("Log in first: send a Bearer token."))
    elif isinstance(exc, exceptions.AuthenticationFailed):
        response.data = error_body(
            "AUTHENTICATION_FAILED", _("The token is invalid, expired or revoked. Log in again.")
        )
    elif isinstance(exc, exceptions.PermissionDenied):
        response.data = error_body("FORBIDDEN", _("Your account may not use this endpoint."))
    elif isinstance(exc, exceptions.NotFound):
        response.data = error_body("NOT_FOUND", _("Not found."))
    elif isinstance(exc, exceptions.Throttled):
        wait = int(getattr(exc, "wait", None) or 60)  # set by Throttled, missing from the stubs
        response.data = error_body(
            "RATE_LIMITED", _("Too many requests. Try again in %(s)d seconds.") % {"s": wait}
        )
    elif isinstance(exc, exceptions.ParseError):
        response.data = error_body(
            "PARSE_ERROR", _("The body could not be read."), {"body": [str(exc.detail)]}
        )
    elif isinstance(exc, exceptions.MethodNotAllowed):
        response.data = error_body("METHOD_NOT_ALLOWED", exc.detail)
    else:
        code = getattr(exc, "default_code", "ERROR")
        response.data = error_body(str(code).upper(), getattr(exc, "detail", exc))
    return response


# The largest primary key (BigAutoField): an id beyond it names nothing, and SQLite cannot even
# compare it (OverflowError, a 500), so id fields in the API refuse it with a field error.
MAX_ID = 2**63 - 1

# Shared OpenAPI description of the error body, so every endpoint documents its errors.
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "example": "VALIDATION_ERROR"},
        "message": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "message", "fields"],
}

HTTP_400 = status.HTTP_400_BAD_REQUEST
