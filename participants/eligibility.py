"""Eligibility lookups by facility accounts: the rate limit and the lookup log that every channel
shares (the REST eligibility API here, the VClaim facade in `vclaim`).

A participant's status and name are personal data. A facility account that tries card numbers
one after the other could read names (issue 7 point 13), so each account is limited to
`ELIGIBILITY_RATE_LIMIT` lookups per window, across channels, and every answered lookup is
recorded with who asked, about whom, when and through which channel."""

import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from core.models import User

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
    wait = None
    for window in parse_rate_limit(settings.ELIGIBILITY_RATE_LIMIT):
        slot = now // window.seconds
        key = f"eligibility-rate:{account.pk}:{window.seconds}:{slot}"
        cache.add(key, 0, timeout=window.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window.seconds + 1)
            count = 1
        if count > window.limit:
            remaining = (slot + 1) * window.seconds - now
            wait = max(wait or 0, remaining, 1)
    return wait


@transaction.atomic
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
) -> EligibilityLookup:
    """Record one answered lookup (found or not: `participant_id` and `result_status` None).

    On PostgreSQL the commit does not wait for the write-ahead log to reach the disk: this
    insert is the only write of a lookup and its fsync was most of a lookup's time. A crash of
    the database server can lose the last fraction of a second of log rows, never make the
    database inconsistent (PostgreSQL: synchronous_commit, "Asynchronous Commit")."""
    # Only when this is the whole transaction: SET LOCAL would cover a caller's writes too.
    if connection.vendor == "postgresql" and not connection.savepoint_ids:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    return EligibilityLookup.objects.create(
        asked_at=timezone.now(),
        account=account,
        channel=channel,
        kind=kind,
        asked_number=asked_number,
        service_date=service_date,
        participant_id=participant_id,
        result=result_status or EligibilityLookup.NOT_FOUND,
        client_address=client_address or None,
    )
