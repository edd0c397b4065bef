"""Reads for the facade and the admin."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FilteredRelation, Q, QuerySet

from core.models import User
from participants.models import Facility, Participant

from .models import FacilityCredential

FASKES_LIMIT = 50


# consumer id -> (monotonic expiry, credential): a lookup then reads no credential row. The
# services drop an entry at once in their own process (credential_forget); other processes
# keep it for VCLAIM_CREDENTIAL_CACHE_SECONDS at most, except that a signature or user key that
# does not verify against a kept credential is checked again against the database (a rotated
# secret works at once everywhere; a switched-off credential stops within those seconds).
_credentials: dict[str, tuple[float, FacilityCredential]] = {}
_CREDENTIALS_MAX = 1000


def credential_for_consumer(*, consumer_id: str, fresh: bool = False) -> FacilityCredential | None:
    now = time.monotonic()
    kept = None if fresh else _credentials.get(consumer_id)
    if kept is not None and kept[0] > now:
        return kept[1]
    # order_by() and [:1] rather than first(): no ORDER BY to build on every request.
    rows = (
        FacilityCredential.objects.select_related("account")
        .filter(consumer_id=consumer_id, is_active=True, account__is_active=True)
        .order_by()[:1]
    )
    credential = next(iter(rows), None)
    if credential is None:
        _credentials.pop(consumer_id, None)
    elif settings.VCLAIM_CREDENTIAL_CACHE_SECONDS:
        if len(_credentials) >= _CREDENTIALS_MAX:
            _credentials.clear()
        _credentials[consumer_id] = (now + settings.VCLAIM_CREDENTIAL_CACHE_SECONDS, credential)
    return credential


def credential_forget(*, consumer_id: str) -> None:
    _credentials.pop(consumer_id, None)


def credentials_forget_all() -> None:
    _credentials.clear()


@dataclass(frozen=True)
class LookupMatch:
    participant: Participant
    relationship: str | None  # in the current family; None without a membership
    is_main: bool


def participant_for_lookup(
    *, card_number: str | None = None, nik: str | None = None
) -> LookupMatch | None:
    """The live participant and their current family relationship, in one query (a
    participant has at most one current membership: families.0001 constraint)."""
    qs = (
        Participant.objects.filter(retired_at__isnull=True)
        .select_related("segment", "fktp")
        .annotate(
            current=FilteredRelation(
                "memberships", condition=Q(memberships__valid_to__isnull=True)
            ),
            current_relationship=F("current__relationship"),
            current_is_main=F("current__is_main"),
        )
        .order_by()
    )
    qs = qs.filter(card_number=card_number) if card_number else qs.filter(nik=nik)
    participant = next(iter(qs[:1]), None)
    if participant is None:
        return None
    return LookupMatch(
        participant,
        participant.current_relationship,  # type: ignore[attr-defined]
        bool(participant.current_is_main),  # type: ignore[attr-defined]
    )


def facilities_matching(*, term: str, level: str) -> list[Facility]:
    """Level 1: our FKTP by code or part of the name. Level 2 (hospitals): we hold none."""
    if level != "1":
        return []
    term = term.strip()
    return list(
        Facility.objects.filter(Q(code__iexact=term) | Q(name__icontains=term)).order_by("code")[
            :FASKES_LIMIT
        ]
    )


def credentials_for_staff(*, user: User) -> QuerySet[FacilityCredential]:
    qs = FacilityCredential.objects.select_related("branch", "account", "issued_by")
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(branch_id=user.branch_id)
