"""Eligibility lookups by facility accounts: the rate limit and the lookup log that every channel
shares (the REST eligibility API here, the VClaim facade in `vclaim`).

A participant's status and name are personal data. A facility account that tries card numbers
one after the other could read names (issue 7 point 13), so each account is limited to
`ELIGIBILITY_RATE_LIMIT` lookups per window, across channels, and every answered lookup is
recorded with who asked, about whom, when and through which channel."""

import time
from dataclasses import dataclass
from datetime import date
from functools import cache as memoize
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.utils import timezone

from core.cache import FailSoftRedisCache
from core.models import User
from core.sql import execute

from .models import EligibilityLookup

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class RateWindow:
    limit: int
    seconds: int


def parse_rate_limit(value: str) -> list[RateWindow]:
    """ "60/min,5000/day" -> windows; units by their first letter (s, m, h, d), DRF style."""
    windows = []
    for part in value.split(","):
        part = part.strip()
        if not part:
            continue
        count, _, unit = part.partition("/")
        seconds = _UNIT_SECONDS.get(unit.strip()[:1].lower())
        if not count.strip().isdigit() or seconds is None:
            raise ValueError(f"rate limit {part!r}: expected COUNT/(sec|min|hour|day)")
        windows.append(RateWindow(int(count), seconds))
    return windows


def eligibility_rate_limit_hit(*, account: User) -> int | None:
    """Count one lookup for `account`; None if it may go ahead, else the seconds to wait.

    Fixed windows counted in the cache (Redis in production, so every worker shares the
    count; per process on the embedded default). A refused lookup counts too: hammering
    does not shorten the wait."""
    now = int(time.time())
    windows = parse_rate_limit(settings.ELIGIBILITY_RATE_LIMIT)
    keys = [
        (f"eligibility-rate:{account.pk}:{w.seconds}:{now // w.seconds}", w.seconds + 1)
        for w in windows
    ]
    counts = _count_hits(keys)
    wait = None
    for window, count in zip(windows, counts, strict=True):
        if count > window.limit:
            remaining = (now // window.seconds + 1) * window.seconds - now
            wait = max(wait or 0, remaining, 1)
    return wait


def _count_hits(keys: list[tuple[str, int]]) -> list[int]:
    if isinstance(cache_backend := caches["default"], FailSoftRedisCache):
        return cache_backend.incr_with_expiry(keys)  # one round trip for every window
    counts = []
    for key, seconds in keys:
        cache.add(key, 0, timeout=seconds)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)
            counts.append(1)
    return counts


def eligibility_lookup_record(
    *,
    account: User,
    channel: str,
    kind: str,
    asked_number: str,
    service_date: date,
    participant_id: int | None,
    result_status: str | None,
    client_address: str | None,
) -> None:
    """Record one answered lookup (found or not: `participant_id` and `result_status` None).

    On PostgreSQL, outside a caller's transaction, this is one INSERT statement that is its own
    transaction and whose commit does not wait for the write-ahead log to reach the disk
    (`set_config('synchronous_commit', 'off', true)` in the statement itself): the row was
    most of a lookup's time, and a round trip for BEGIN, SET LOCAL and COMMIT each. A crash of
    the database server can lose the last fraction of a second of log rows, never make the
    database inconsistent (PostgreSQL: synchronous_commit, "Asynchronous Commit")."""
    values: dict[str, Any] = {
        "asked_at": timezone.now(),
        "account_id": account.pk,
        "channel": channel,
        "kind": kind,
        "asked_number": asked_number,
        "service_date": service_date,
        "participant_id": participant_id,
        "result": result_status or EligibilityLookup.NOT_FOUND,
        "client_address": client_address or None,
    }
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            execute(connection, cursor, _insert_sql(tuple(values)), list(values.values()))
        return
    with transaction.atomic():
        EligibilityLookup.objects.create(**values)


@memoize
def _insert_sql(attnames: tuple[str, ...]) -> str:
    meta = EligibilityLookup._meta
    column = {f.attname: str(f.column) for f in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(column[name]) for name in attnames)
    placeholders = ", ".join(["%s"] * len(attnames))
    # Table and columns from the model; every value is a parameter.
    return (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT {placeholders} "
        "WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL"
    )
