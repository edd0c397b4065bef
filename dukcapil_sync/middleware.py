"""The embedded registry is reached at this server's own address (issue 7 point 16)."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from .client import remember_own_address


class ServerAddressMiddleware:
    """Records the scheme, host and port this server is reached at, for the embedded
    registry's URL. Only with the registry embedded and no DUKCAPIL_URL configured; the host
    is validated by ALLOWED_HOSTS (request.get_host)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.active = settings.REGISTRY_EMBEDDED and not settings.DUKCAPIL_URL

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.active:
            remember_own_address(f"{request.scheme}://{request.get_host()}")
        return self.get_response(request)
