"""Reads for the facade and the admin."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from core.models import User
from families.models import FamilyMembership
from participants.models import Facility, Participant
from participants.selectors import live_participants

from .models import FacilityCredential

FASKES_LIMIT = 50


def credential_for_consumer(*, consumer_id: str) -> FacilityCredential | None:
    return (
        FacilityCredential.objects.select_related("account")
        .filter(consumer_id=consumer_id, is_active=True, account__is_active=True)
        .first()
    )


def participant_for_lookup(
    *, card_number: str | None = None, nik: str | None = None
) -> Participant | None:
    """The live participant with their current family relationship, in one query."""
    current = FamilyMembership.objects.filter(participant=OuterRef("pk"), valid_to__isnull=True)
    qs = live_participants().annotate(
        relationship=Subquery(current.values("relationship")[:1]),
        is_main=Subquery(current.values("is_main")[:1]),
    )
    if card_number:
        return qs.filter(card_number=card_number).first()
    return qs.filter(nik=nik).first()


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
