"""Reads that tolerate a second of lag go to the PostgreSQL streaming replica; everything else
stays on the primary (issue 14).

Lag-tolerant: staff lists in the admin (every changelist: participants, families, bills,
payments, status history, the eligibility lookup log), read with GET; but never the caller's
session, user or token (PRIMARY_ONLY). Everything else reads
the primary: participants' own pages and the API (their status must show a payment at once),
every form and change page (a correction is made against the current row), and any read that
follows a write:
- in the same request: the first write pins the rest of the request to the primary;
- in the next requests of the same browser: a request that wrote sets the cookie
  `REPLICA_PIN_COOKIE` for `REPLICA_PIN_SECONDS` (longer than the replica ever lags), and a
  request carrying it reads the primary only.

The replica is the database alias `replica` (DATABASE_REPLICA_URL); without it, or with
REPLICA_READS off, every read goes to the primary and nothing changes.
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"
# Who the caller is never lags: a session, user or token just made, changed or revoked is
# read where it was written.
PRIMARY_ONLY = frozenset(
    {"sessions.session", "core.user", "knox.authtoken", "axes.accessattempt", "axes.accesslog"}
)

# Per request (reset at its start by the middleware): may this request read the replica, and
# has it written (or arrived pinned) so that it must not.
_lag_tolerant: ContextVar[bool] = ContextVar("lag_tolerant", default=False)
_pinned: ContextVar[bool] = ContextVar("pinned_to_primary", default=False)
_wrote: ContextVar[bool] = ContextVar("wrote", default=False)


def replica_enabled() -> bool:
    return bool(settings.REPLICA_READS) and REPLICA in settings.DATABASES


class ReplicaRouter:
    """Writes and migrations: the primary. Reads: the replica only inside a lag-tolerant
    request that has not written and is not pinned."""

    def db_for_read(self, model: type[models.Model], **hints: Any) -> str:
        if (
            _lag_tolerant.get()
            and not _pinned.get()
            and model._meta.label_lower not in PRIMARY_ONLY
            and replica_enabled()
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str:
        _pinned.set(True)
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1: models.Model, obj2: models.Model, **hints: Any) -> bool:
        # The replica is a copy of the primary: an object read there relates to one here.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


def is_lag_tolerant(request: HttpRequest) -> bool:
    match = request.resolver_match
    return (
        request.method in ("GET", "HEAD")
        and match is not None
        and match.namespace == "admin"
        and (match.url_name or "").endswith("_changelist")
    )


class ReplicaPinMiddleware:
    """Marks lag-tolerant requests and carries the pin to the primary across requests."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        arrived_pinned = settings.REPLICA_PIN_COOKIE in request.COOKIES
        lag_token = _lag_tolerant.set(False)
        pin_token = _pinned.set(arrived_pinned)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and replica_enabled():
                # Every write starts the pin's time again.
                response.set_cookie(
                    settings.REPLICA_PIN_COOKIE,
                    "1",
                    max_age=settings.REPLICA_PIN_SECONDS,
                    httponly=True,
                    secure=settings.SESSION_COOKIE_SECURE,
                    samesite="Lax",
                )
            return response
        finally:
            _lag_tolerant.reset(lag_token)
            _pinned.reset(pin_token)
            _wrote.reset(wrote_token)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if is_lag_tolerant(request):
            _lag_tolerant.set(True)
