"""Reads that the pages, the API and the admin share."""

from copy import copy
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.models import User
from families.models import FamilyCard
from families.selectors import current_memberships, participant_of_user
from participants.contributions import FAMILY, family_charges, rate_book, wage_book
from participants.models import Facility, Participant

from .models import DataChange, FacilityCapacity


@dataclass(frozen=True)
class CallerFamily:
    participant: Participant
    family: FamilyCard
    members: list[Participant]
    relationships: dict[int, str]


def caller_family(*, user: User) -> CallerFamily | None:
    """The caller's own participant, current family card and its current members (main
    participant first): the only people a participant's change may touch."""
    participant = participant_of_user(user=user)
    membership = (
        current_memberships().filter(participant=participant).select_related("family").first()
        if participant
        else None
    )
    if participant is None or membership is None:
        return None
    rows = list(
        current_memberships()
        .filter(family=membership.family)
        .select_related("participant__segment", "participant__fktp")
        .order_by("-is_main", "participant__birth_date", "pk")
    )
    return CallerFamily(
        participant,
        membership.family,
        [m.participant for m in rows],
        {m.participant_id: m.relationship for m in rows},
    )


def value_since(participant: Participant, kind: str) -> date:
    """Since when the member's current FKTP / class / segment holds: the day the last change
    of that kind took effect, else the start of coverage."""
    last = (
        DataChange.objects.filter(
            participant=participant, kind=kind, state=DataChange.State.APPLIED
        )
        .order_by("-effective_on")
        .values_list("effective_on", flat=True)
        .first()
    )
    return last or participant.coverage_start


def family_changes(*, family: FamilyCard) -> QuerySet[DataChange]:
    """Every change of the family's current members, newest first (scope: the family)."""
    return (
        DataChange.objects.filter(
            participant__memberships__family=family,
            participant__memberships__valid_to__isnull=True,
        )
        .exclude(state=DataChange.State.PENDING)
        .select_related("participant", "request")
        .order_by("-created_at", "-pk")
    )


def member_changes(*, participant: Participant) -> QuerySet[DataChange]:
    return (
        DataChange.objects.filter(participant=participant)
        .exclude(state=DataChange.State.PENDING)
        .select_related("request__requested_by")
        .order_by("-created_at", "-pk")
    )


def changes_for_staff(*, user: User) -> QuerySet[DataChange]:
    qs = DataChange.objects.select_related("participant", "request__requested_by", "reversed_by")
    if user.is_superuser or user.role == User.Role.ADMIN:
        return qs
    if user.role != User.Role.STAFF or user.branch_id is None:
        return qs.none()
    return qs.filter(participant__branch_id=user.branch_id)


def facilities_for_staff(*, user: User) -> QuerySet[FacilityCapacity]:
    qs = FacilityCapacity.objects.select_related("facility__district")
    if user.is_superuser or user.role == User.Role.ADMIN:
        return qs
    if user.role != User.Role.STAFF or user.branch_id is None:
        return qs.none()
    return qs.filter(facility__branch_id=user.branch_id)


def facilities_near(*, family: FamilyCard, limit: int = 50) -> list[Facility]:
    """FKTP a family may choose, nearest first by Kemendagri area: the family's district, then
    its regency/city, then its province; full ones are not offered."""
    district = family.district_id
    return list(
        Facility.objects.select_related("district")
        .filter(district__code__startswith=district[:2])
        .exclude(capacity__is_full=True)
        .annotate(
            nearness=Case(
                When(district_id=district, then=Value(0)),
                When(district__code__startswith=district[:4], then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("nearness", "name")[:limit]
    )


@dataclass(frozen=True)
class ClassQuote:
    """The iuran per member and per family in the new class, shown before confirming."""

    care_class: int
    month: date
    per_member: list[tuple[Participant, int]]

    @property
    def family_total(self) -> int:
        return sum(amount for _p, amount in self.per_member)


def class_quote(*, caller: CallerFamily, care_class: int, month: date) -> ClassQuote:
    """The family's PBPU/BP bill of `month` with every member in `care_class`, from the one
    amount function (participants.contributions.family_charges)."""
    priced = []
    for m in caller.members:
        copied = copy(m)  # an unsaved copy in the new class, for the amounts only
        copied.care_class = care_class
        priced.append((copied, caller.relationships[m.pk]))
    charges = family_charges(
        priced,
        on=month,
        rates=rate_book(),
        wages=wage_book(),
        district_code=caller.family.district_id,
    )
    unit = charges.this_month.get(FAMILY)
    amounts = {line.participant_id: line.amount for line in unit.lines} if unit else {}
    return ClassQuote(
        care_class, month, [(m, amounts[m.pk]) for m in caller.members if m.pk in amounts]
    )
