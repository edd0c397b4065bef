"""Per-IP limit on the anonymous identity checks (issue 9 point 7), with django-ratelimit on
the shared cache, for pages and API alike."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from .errors import RateLimited


def check_identify_rate(request: HttpRequest) -> None:
    usage = get_usage(
        request,
        group="accounts.identify",
        key="ip",
        rate=settings.ACCOUNTS_IDENTIFY_RATE,
        method=["POST"],
        increment=True,
    )
    if usage and usage["should_limit"]:
        retry_after = max(int(usage["time_left"]), 1)
        raise RateLimited(
            _("Too many checks from this address. Try again in %(m)d minutes.")
            % {"m": (retry_after + 59) // 60},
            retry_after=retry_after,
        )
