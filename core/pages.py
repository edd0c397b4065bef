"""Whole participant pages kept and served again with only the CSRF token put in (issue 14).

Rendering Info Peserta's templates (the layout, its navigation, translations, a dozen URLs)
cost more Python than everything else the page does; most requests show exactly what the
previous one showed. So such a page is kept (core.cache.kept) under a key made of everything
it shows:

- the caller's family fact tokens (core/facts.py), read in one statement with
- the *page states*: what the apps above `families` show on every page beyond those facts
  (the bell's unread count, the Dukcapil sync panel), each registered here as SQL
  expressions read in that same statement (participants.selectors.fact_rows_with_page_state);
- the session's contents (the signed-in user, the PIN prompt), the language, the path, the
  date.

A page with messages to show is rendered for that request only, and so is a request with a
query string (anyone could otherwise fill the cache with copies of their own page). The CSRF
token, masked anew for every request, is taken out of the kept copy and put back for each
request: a kept page never carries another request's token.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from .cache import kept

# Bumped when what a kept page contains changes shape, so a new release renders afresh.
PAGE_KEY_VERSION = 1
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Random per process: nothing a participant can type into their own data.
_TOKEN_HOLE = "csrf-hole-" + secrets.token_hex(16)


@dataclass(frozen=True)
class PageState:
    """SQL expressions over `p1` (the caller's live participant) and `f` (their family card,
    NULL without one), with their %s parameters in order: their values must change whenever
    what the registering app shows on the page changes."""

    name: str
    columns: tuple[str, ...]
    params: tuple[Any, ...] = ()


_states: dict[str, PageState] = {}


def register_page_state(state: PageState) -> None:
    """Called from an app's ready(): the apps above `families` say what they show on every
    participant page, without `families` importing them."""
    _states[state.name] = state


def page_states() -> tuple[PageState, ...]:
    return tuple(_states[name] for name in sorted(_states))


def _session_items(request: HttpRequest) -> tuple:
    session = getattr(request, "session", None)
    return tuple(sorted((str(k), repr(v)) for k, v in session.items())) if session else ()


def kept_page(
    request: HttpRequest, *, key: str | None, render: Callable[[], str], seconds: int
) -> HttpResponse:
    """`render()`'s page. With a `key` (the facts and page states, from the caller) and no
    messages waiting, the page is kept for `seconds` and served again to the same session
    with a fresh CSRF token; with `key` None it is rendered for this request only."""
    # A query string is the caller's to vary at will: each would be another kept copy.
    if key is None or request.GET or list(messages.get_messages(request)):
        return HttpResponse(render())
    user = getattr(request, "user", None)
    text = repr(
        (
            PAGE_KEY_VERSION,
            key,
            getattr(user, "pk", None),
            getattr(user, "role", None),
            _session_items(request),
            translation.get_language(),
            request.path,
        )
    )
    page_key = "page:" + hashlib.sha256(text.encode()).hexdigest()

    def compute() -> str:
        html = render()
        found = _CSRF_INPUT.search(html)
        return html.replace(found.group(1), _TOKEN_HOLE) if found else html

    html = kept(page_key, compute, seconds) or ""
    if _TOKEN_HOLE in html:
        html = html.replace(_TOKEN_HOLE, get_token(request))
    return HttpResponse(html)
