"""Bearer tokens for many different family heads, and the SQL queries one request makes."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.common import FAMILY_PATH


@dataclass
class Login:
    user_id: int
    nik: str
    family_size: int
    token: str = ""
    token_pk: str = ""


def make_tokens(count: int) -> list[Login]:
    """Bearer tokens for `count` different synthetic family heads spread over the table,
    made directly with knox (a login verifies Argon2, which is measured separately)."""
    from django.db import transaction
    from django.db.models import Count, Q
    from knox.models import AuthToken

    from demo.synthetic import CARD_PREFIX, synthetic_family_count
    from participants.models import Participant

    total = synthetic_family_count()
    count = min(count, total)
    indexes = [i * total // count for i in range(count)]
    cards = [f"{CARD_PREFIX}{i:010d}00" for i in indexes]
    heads = list(
        Participant.objects.filter(card_number__in=cards, user__isnull=False)
        .select_related("user")
        .annotate(
            size=Count(
                "memberships__family__memberships",
                filter=Q(memberships__family__memberships__valid_to__isnull=True),
            )
        )
        .order_by("card_number")
    )
    logins = [Login(h.user.pk, h.nik or "", h.size) for h in heads if h.user is not None]
    users = {h.user.pk: h.user for h in heads if h.user is not None}
    with transaction.atomic():
        for login in logins:
            instance, token = AuthToken.objects.create(users[login.user_id], timedelta(hours=1))
            login.token, login.token_pk = token, instance.pk
    return logins


def delete_tokens(logins: list[Login], since: datetime) -> int:
    from knox.models import AuthToken

    made_here = AuthToken.objects.filter(pk__in=[x.token_pk for x in logins if x.token_pk])
    by_login = AuthToken.objects.filter(user_id__in=[x.user_id for x in logins], created__gte=since)
    return made_here.delete()[0] + by_login.delete()[0]


def count_queries(logins: list[Login], sample: int) -> dict[str, object]:
    """SQL queries of one GET /api/v1/me/family/, in-process (Django test client), for a
    sample of participants of every family size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    by_size: dict[int, list[Login]] = {}
    for login in logins:
        by_size.setdefault(login.family_size, []).append(login)
    chosen: list[Login] = []
    while len(chosen) < min(sample, len(logins)):
        before = len(chosen)
        for group in by_size.values():
            if group and len(chosen) < sample:
                chosen.append(group.pop())
        if len(chosen) == before:
            break
    counts: dict[int, list[int]] = {}
    for login in chosen:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(FAMILY_PATH, HTTP_AUTHORIZATION=f"Bearer {login.token}")
        if response.status_code != 200:
            raise SystemExit(
                f"GET {FAMILY_PATH} answered {response.status_code} in-process: "
                f"{response.content[:300]!r}"
            )
        counts.setdefault(login.family_size, []).append(len(ctx.captured_queries))
    flat = [n for ns in counts.values() for n in ns]
    return {
        "sample": len(flat),
        "median": statistics.median(flat),
        "min": min(flat),
        "max": max(flat),
        "by_family_size": {size: sorted(set(ns)) for size, ns in sorted(counts.items())},
    }
