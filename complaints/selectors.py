"""Complaint reads shared by the pages, the API and the admin; scope is in the queryset
(a participant: their own current family; staff: their branch; anyone else: nothing)."""

from django.db.models import Prefetch, QuerySet

from core.models import User
from families.selectors import current_memberships

from .models import Complaint, Reply


def _base() -> QuerySet[Complaint]:
    return Complaint.objects.select_related("participant", "family", "branch")


def complaints_for_participant_user(*, user: User) -> QuerySet[Complaint]:
    """Complaints about the caller's own current family (any member may have filed them)."""
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return Complaint.objects.none()
    families = current_memberships().filter(
        participant__user_id=user.pk, participant__retired_at__isnull=True
    )
    return _base().filter(family_id__in=families.values("family_id"))


def complaints_for_staff(*, user: User) -> QuerySet[Complaint]:
    if not user.is_authenticated:
        return Complaint.objects.none()
    if user.is_superuser:
        return _base()
    if user.role != User.Role.STAFF or user.branch_id is None:
        return Complaint.objects.none()
    return _base().filter(branch_id=user.branch_id)


def complaints_for_user(*, user: User) -> QuerySet[Complaint]:
    """What this account may see: its family's complaints or its branch's queue."""
    if user.is_authenticated and user.role == User.Role.PARTICIPANT:
        return complaints_for_participant_user(user=user)
    return complaints_for_staff(user=user)


def with_conversation(qs: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return qs.prefetch_related(
        Prefetch(
            "replies", queryset=Reply.objects.select_related("author").order_by("created_at", "id")
        )
    )
