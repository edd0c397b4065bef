"""Authentication glue: Bearer tokens (django-rest-knox: hashed, expiring, revocable), the
client address behind trusted proxies, the two login limits and the lockout answer.

Failures are counted per account and per address independently (issue 7 point 7):
- per account: django-axes (AXES_LOCKOUT_PARAMETERS = username), reset only by a success of
  that account (the page's login() and the API token view both signal it);
- per address: AddressLockoutBackend with its own, much higher limit, since a whole mobile
  network shares one address; never reset by a success, which proves nothing about the
  other accounts tried from there."""

from collections.abc import Callable, Sequence
from functools import lru_cache
from hmac import compare_digest
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import router
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from .models import User
from .sql import fetch_converted


class BearerTokenAuthentication(TokenAuthentication):
    """`Authorization: Bearer <token>`; the prefix comes from REST_KNOX settings.

    knox's own checks (the digest compared in constant time, an expired token refused and
    deleted, an inactive user refused), with the token and its user read in one plain SQL
    statement (core.sql): knox's ORM query with select_related cost 0.47 ms of Python per API
    call against 0.09 ms for the same row read raw, the largest single cost of a kept
    family read (issue 14; bench/ and docs/scaling.md)."""

    def __init__(
        self,
        also: tuple[str, str, str] | None = None,
        also_for: Callable[[Request], tuple[tuple[str, str, str], list[Any]] | None] | None = None,
    ) -> None:
        """`also`: more to read in the same statement, as (select list, joins after `u`, which
        is core_user, order); each token then carries its rows of those columns as
        `.also_rows` (families.api.auth reads the caller's fact rows this way). `also_for`
        chooses it per request instead, with the values of the joins' %s parameters, or None
        for nothing more (participants.api.auth: the participant a facility asks about). The
        same class either way, so the OpenAPI schema names one Bearer scheme."""
        super().__init__()
        self.also, self.also_for = also, also_for
        self._also_values: list[Any] = []

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        if self.also_for is not None:
            chosen = self.also_for(request)
            self.also, self._also_values = chosen if chosen else (None, [])
        return super().authenticate(request)

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        # Tokens are hex: anything else (bytes that are not UTF-8, a NUL that PostgreSQL
        # refuses in a query) is simply a wrong token, 401.
        if not token.isascii() or not token.isalnum():
            raise AuthenticationFailed(_("Invalid token."))
        text = token.decode()
        key = text[: CONSTANTS.TOKEN_KEY_LENGTH]
        for auth_token in tokens_with_user(key, also=self.also, also_values=self._also_values):
            if self._cleanup_token(auth_token):
                continue
            if compare_digest(hash_token(text), auth_token.digest):
                return self.validate_user(auth_token)
        raise AuthenticationFailed(_("Invalid token."))

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Only the token presented: refused and deleted once expired. knox also read all the
        user's other tokens on every request to delete their expired ones, a query per API
        call (issue 14); a login does that instead (core.api_views.TokenView)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


@lru_cache(maxsize=8)
def _token_user_sql(also: tuple[str, str, str] | None) -> str:
    columns = [f"t.{f.column}" for f in AuthToken._meta.concrete_fields] + [
        f"u.{f.column}" for f in User._meta.concrete_fields
    ]
    extra_columns, joins, order = also or ("", "", "")
    return (
        f"SELECT {', '.join(columns)}{', ' + extra_columns if extra_columns else ''} "  # noqa: S608
        f"FROM {AuthToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"{joins} WHERE t.token_key = %s ORDER BY t.digest{', ' + order if order else ''}"
    )


def tokens_with_user(
    token_key: str, *, also: tuple[str, str, str] | None = None, also_values: Sequence[Any] = ()
) -> list[AuthToken]:
    """The tokens with this key, each with its user loaded (`token.user` makes no query),
    read where knox would read them (the primary: core.replica.PRIMARY_ONLY). With `also`
    (BearerTokenAuthentication.also), each token carries its rows of the extra columns as
    `.also_rows`, tuples as the driver returns them; `also_values` are the values of its %s
    parameters."""
    token_fields, user_fields = AuthToken._meta.concrete_fields, User._meta.concrete_fields
    alias = router.db_for_read(AuthToken)
    rows = fetch_converted(
        alias, _token_user_sql(also), [*also_values, token_key], [*token_fields, *user_fields]
    )
    tokens: dict[str, AuthToken] = {}
    token_names, user_names = [f.attname for f in token_fields], [f.attname for f in user_fields]
    split, user_end = len(token_names), len(token_names) + len(user_names)
    digest = token_names.index("digest")
    for row in rows:
        auth_token = tokens.get(row[digest])
        if auth_token is None:
            auth_token = AuthToken.from_db(alias, token_names, row[:split])
            user = User.from_db(alias, user_names, row[split:user_end])
            auth_token._state.fields_cache["user"] = user
            auth_token.also_rows = []  # type: ignore[attr-defined]
            tokens[row[digest]] = auth_token
        if also is not None:
            auth_token.also_rows.append(tuple(row[user_end:]))  # type: ignore[attr-defined]
    return list(tokens.values())


class UserBackend(ModelBackend):
    """Django's ModelBackend (usernames and passwords, permissions), with the signed-in
    user of a session read in one plain SQL statement (core.sql): the ORM query cost more
    Python than the rest of a kept Info Peserta page (issue 14, bench/). Sessions signed in
    through Django's own ModelBackend path sign in again once."""

    def get_user(self, user_id: Any) -> User | None:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@lru_cache(maxsize=1)
def _user_sql() -> str:
    columns = ", ".join(f"u.{f.column}" for f in User._meta.concrete_fields)
    return f"SELECT {columns} FROM {User._meta.db_table} u WHERE u.id = %s"  # noqa: S608


def user_by_id(user_id: Any) -> User | None:
    """The user with this primary key, as `User.objects.get(pk=...)` would load it, or None."""
    fields = User._meta.concrete_fields
    alias = router.db_for_read(User)
    rows = fetch_converted(alias, _user_sql(), [user_id], fields)
    if not rows:
        return None
    return User.from_db(alias, [f.attname for f in fields], rows[0])


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


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front the
    entry they appended to X-Forwarded-For (anything further left the client wrote itself).
    The same rule as DRF's NUM_PROXIES, so throttles and lockouts agree."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote


def _address_key(request: HttpRequest) -> str:
    return f"login-failures:address:{client_address(request)}"


def address_failures(request: HttpRequest) -> int:
    return int(cache.get(_address_key(request)) or 0)


class AddressLockoutBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every login from an address with
    LOGIN_ADDRESS_FAILURE_LIMIT failures within the cool-off, before any password is tried.
    Marks the request as axes does, so pages and the API answer with the same 429. No
    get_user: it never logs anyone in, so sessions never name it."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> None:
        if (
            request is not None
            and address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            raise PermissionDenied  # stops the other backends; no password is checked
        return None


@receiver(user_login_failed)
def count_address_failure(
    sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """One more failure for the address (its own counter, expiring with the cool-off)."""
    if request is None or getattr(request, "axes_locked_out", False):
        return
    key = _address_key(request)
    timeout = int(settings.AXES_COOLOFF_TIME.total_seconds())
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)


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
    elif request.path.startswith("/admin/"):
        # Staff keep their own login page (username), locked or not.
        from django.contrib import admin
        from django.contrib.admin.forms import AdminAuthenticationForm

        response = render(
            request,
            "admin/login.html",
            {
                **admin.site.each_context(request),
                "form": (admin.site.login_form or AdminAuthenticationForm)(request),
                "title": _("Log in"),
                "app_path": request.get_full_path(),
                "lockout_message": lockout_message(),
            },
            status=429,
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
