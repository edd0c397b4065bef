"""The eligibility API's Bearer authentication: the facility's token, its user and the fact
rows of the participant asked about (participants.selectors.fact_rows) in one SQL statement.

A kept eligibility answer needs both, each a round trip to PostgreSQL between processes that
share the benchmark's two cores (issue 14, docs/scaling.md), like the family API's
(families.api.auth). The token checks are core.auth.BearerTokenAuthentication's own. The
number is read from the query as given; the view uses these rows only when its validated
number is the same (`asked_by_authentication`)."""

import re
from typing import Any

from rest_framework.request import Request

from core.auth import BearerTokenAuthentication

from ..selectors import FACT_LOOKUPS, fact_rows_joined

_DIGITS = {"card_number": re.compile(r"[0-9]{13}"), "nik": re.compile(r"[0-9]{16}")}


def asked_by_authentication(request: Request) -> tuple[str, str] | None:
    """(card_number or nik, the number) whose fact rows the token's statement read."""
    params = request.query_params
    given = [(by, params.get(by, "")) for by in _DIGITS if params.get(by)]
    if len(given) != 1 or not _DIGITS[given[0][0]].fullmatch(given[0][1]):
        return None  # malformed or ambiguous: the view answers 400 and needs no facts
    return given[0]


def _facts_asked(request: Request) -> tuple[tuple[str, str, str], list[Any]] | None:
    asked = asked_by_authentication(request)
    if asked is None:
        return None
    by, number = asked
    return fact_rows_joined(f"{FACT_LOOKUPS[by]} = %s"), [number]


def eligibility_bearer_authentication() -> BearerTokenAuthentication:
    """`request.auth.also_rows` then holds the fact rows of the participant asked about
    (none: no live participant with that number)."""
    return BearerTokenAuthentication(also_for=_facts_asked)
