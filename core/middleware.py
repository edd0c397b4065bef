from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _


class IndonesianFirstMiddleware:
    """Participant pages speak Bahasa Indonesia until the user picks English (the language
    cookie); a browser's Accept-Language does not override that. The API keeps honouring
    Accept-Language for its messages (DESIGN.md 5). Must run before LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# Answers that Django itself makes (no URL matched, a body over the size limit, a crash), in
# the API's one error shape.
_API_ERRORS = {
    400: ("BAD_REQUEST", _("The request could not be read.")),
    403: ("FORBIDDEN", _("Your account may not use this endpoint.")),
    404: ("NOT_FOUND", _("Not found.")),
    405: ("METHOD_NOT_ALLOWED", _("This method is not allowed here.")),
    413: ("REQUEST_TOO_LARGE", _("The request body is too large.")),
    500: ("SERVER_ERROR", _("Something went wrong on our side. Try again later.")),
}


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _body_limit() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440


class ApiErrorShapeMiddleware:
    """Under /api/ every answer is JSON; an error is {code, message, fields} (DESIGN.md 5),
    also when Django answers before or after DRF (unknown path, non-numeric id in the URL,
    body too large, a 500, the debug pages). Outermost, so it sees every answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _declared_length(request) > _body_limit():
            # DRF parsers read the stream without Django's size check: refuse before reading.
            return self.error_response(413)
        response = self.get_response(request)
        if not request.path.startswith("/api/") or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        return self.error_response(response.status_code, response)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") and isinstance(exc, RequestDataTooBig):
            return self.error_response(413)
        return None  # Django logs it and answers 500, which __call__ reshapes

    @staticmethod
    def error_response(status: int, original: HttpResponse | None = None) -> HttpResponse:
        code, message = _API_ERRORS.get(status, ("ERROR", _("The request failed.")))
        response = JsonResponse(
            {"code": code, "message": str(message), "fields": {}}, status=status
        )
        if original is not None:
            for header in ("Retry-After", "Allow", "WWW-Authenticate"):
                if header in original:
                    response[header] = original[header]
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every API answer (tokens, family data) and on every page
    seen logged in or on the login page: personal data must not stay in a shared or back-button
    cache. After AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        personal = request.path.startswith(("/api/v1/", "/masuk/", "/admin/")) or (
            request.user.is_authenticated
        )
        response = self.get_response(request)
        already = "no-store" in response.get("Cache-Control", "")
        if (personal or request.user.is_authenticated) and not already:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
