"""Reads shared by the admin queue, the staff API, the Info Peserta panel and the command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import router
from django.db.models import Q, QuerySet

from core.models import User
from core.pages import PageState
from core.sql import fetch_converted
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


@lru_cache(maxsize=1)
def _panel_columns() -> tuple[str, ...]:
    """The panel's four values as SQL expressions over a family `f`: the latest comparison,
    the latest family run's state and start, and the sum of the open offers' ids (0: none;
    a page state changes when one of several is closed). Their parameters: _panel_params."""
    state, membership = ParticipantSyncState._meta.db_table, FamilyMembership._meta.db_table
    run, discrepancy = SyncRun._meta.db_table, Discrepancy._meta.db_table
    latest = (
        f"FROM {run} r WHERE r.family_id = f.id AND r.kind = %s "
        f"ORDER BY r.started_at DESC, r.id DESC LIMIT 1"
    )
    return (
        f"(SELECT MAX(s.last_checked_at) FROM {state} s "  # noqa: S608
        f"JOIN {membership} m ON m.participant_id = s.participant_id "
        f"WHERE m.family_id = f.id AND m.valid_to IS NULL)",
        f"(SELECT r.state {latest})",
        f"(SELECT r.started_at {latest})",
        f"(SELECT COALESCE(SUM(d.id), 0) FROM {discrepancy} d "  # noqa: S608
        f"WHERE d.family_id = f.id AND d.participant_id IS NULL "
        f"AND d.kind = %s AND d.status = %s)",
    )


def _panel_params() -> tuple[object, ...]:
    kind = SyncRun.Kind.FAMILY.value
    return kind, kind, Kind.NEW_KK_MEMBER.value, Discrepancy.Status.OPEN.value


@lru_cache(maxsize=1)
def _panel_sql() -> str:
    # The same expressions as the page state, over one family given as a parameter.
    columns = ", ".join(_panel_columns())
    return f"SELECT {columns} FROM (SELECT CAST(%s AS BIGINT) AS id) f"  # noqa: S608


def sync_panel_page_state() -> PageState:
    """What the panel shows, as a page state (core.pages) of the page's family `f`."""
    return PageState("dukcapil_sync.panel", _panel_columns(), _panel_params())


def family_sync_panel(*, family: FamilyCard) -> FamilySyncPanel:
    """What Info Peserta shows about the sync: one plain SQL query whatever the family's size
    (the three ORM queries it replaced cost 2 ms of Python per page, core/sql.py); the
    offers themselves are read only when there are any, which is rare."""
    [[last, run_state, run_started, open_offer_ids]] = fetch_converted(
        router.db_for_read(ParticipantSyncState),
        _panel_sql(),
        [*_panel_params(), family.pk],
        [
            ParticipantSyncState._meta.get_field("last_checked_at"),
            None,
            SyncRun._meta.get_field("started_at"),
            None,
        ],
    )
    failed_at = None
    if run_state == SyncRun.State.FAILED and (last is None or run_started > last):
        failed_at = run_started
    offers = list(new_member_offers(family=family)) if open_offer_ids else []
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
