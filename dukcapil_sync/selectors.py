"""Reads shared by the admin queue, the staff API, the Info Peserta panel and the command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Q, QuerySet

from core.models import User
from families.models import FamilyCard, FamilyMembership
from participants.models import Participant

from .models import Discrepancy, Kind, ParticipantSyncState, SyncRun


def discrepancy_base_queryset() -> QuerySet[Discrepancy]:
    return Discrepancy.objects.select_related(
        "participant", "family", "branch", "resolved_by", "first_seen_run"
    )


def discrepancies_for_staff(*, user: User) -> QuerySet[Discrepancy]:
    """Staff see their branch's differences only (in the query); a superuser sees all."""
    qs = discrepancy_base_queryset()
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    if user.role != User.Role.STAFF or user.branch_id is None:
        return qs.none()
    return qs.filter(branch_id=user.branch_id)


def sync_runs_for_staff(*, user: User) -> QuerySet[SyncRun]:
    """Full runs concern everyone; a family or person run only its branch."""
    qs = SyncRun.objects.select_related("job_run", "family", "participant", "requested_by")
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(
        Q(kind=SyncRun.Kind.FULL)
        | Q(family__branch_id=user.branch_id)
        | Q(participant__branch_id=user.branch_id)
    )


def family_of_participant_user(*, user: User) -> FamilyCard | None:
    """The family of a participant login (their own current KK), else None."""
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return None
    membership = (
        FamilyMembership.objects.filter(
            valid_to__isnull=True,
            participant__user_id=user.pk,
            participant__retired_at__isnull=True,
        )
        .select_related("family")
        .first()
    )
    return membership.family if membership else None


def new_member_offers(*, family: FamilyCard) -> QuerySet[Discrepancy]:
    """People Dukcapil lists on the family's KK whom we have not registered."""
    return Discrepancy.objects.filter(
        family=family,
        participant__isnull=True,
        kind=Kind.NEW_KK_MEMBER,
        status=Discrepancy.Status.OPEN,
    ).order_by("first_seen_at", "pk")


@dataclass(frozen=True)
class FamilySyncPanel:
    family: FamilyCard
    offers: list[Discrepancy]
    last_checked_at: datetime | None
    # The family's latest attempt, when it failed after the last successful comparison.
    failed_attempt_at: datetime | None = None


def family_sync_panel(*, family: FamilyCard) -> FamilySyncPanel:
    """What Info Peserta shows about the sync: three queries whatever the family's size."""
    offers = list(new_member_offers(family=family))
    last = ParticipantSyncState.objects.filter(
        participant__memberships__family=family,
        participant__memberships__valid_to__isnull=True,
    ).aggregate(last=Max("last_checked_at"))["last"]
    latest = (
        SyncRun.objects.filter(family=family, kind=SyncRun.Kind.FAMILY)
        .order_by("-started_at", "-id")
        .values_list("state", "started_at")
        .first()
    )
    failed_at = None
    if latest and latest[0] == SyncRun.State.FAILED and (last is None or latest[1] > last):
        failed_at = latest[1]
    return FamilySyncPanel(
        family=family, offers=offers, last_checked_at=last, failed_attempt_at=failed_at
    )


def family_offer_for_user(*, user: User, discrepancy_id: int) -> Discrepancy | None:
    """An offer of the user's own family only: anyone else's answers like one that does not
    exist."""
    family = family_of_participant_user(user=user)
    if family is None:
        return None
    return new_member_offers(family=family).filter(pk=discrepancy_id).first()


def participant_sync_state(*, participant: Participant) -> ParticipantSyncState | None:
    return ParticipantSyncState.objects.filter(participant=participant).first()
