"""How often one account may file a complaint, shared by the page and the API."""

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ComplaintFileThrottle(SimpleRateThrottle):
    scope = "complaint_file"

    def get_rate(self) -> str:
        return settings.COMPLAINT_FILE_RATE

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": user.pk}
