"""Reads shared by pages, the API and the admin."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When

from core.models import User

from .models import ContributionRate, EligibilityLookup, Participant, Segment, StatusChange


@dataclass(frozen=True)
class RateTable:
    """The contribution rates in force on one day, loaded with one query."""

    by_segment_class: dict[tuple[str, int], ContributionRate]

    def monthly_payable(self, participant: Participant) -> int:
        """What the paying unit pays per month for this participant (0 when the state pays or
        the rate depends on a salary not known here)."""
        segment = participant.segment
        if segment.is_state_paid:
            return 0
        rate = self.by_segment_class.get(
            (segment.code, participant.care_class)
        ) or self.by_segment_class.get((segment.code, 0))
        if rate is None:
            return 0
        if rate.salary_percent is not None:
            if not participant.salary:
                return 0
            base = min(participant.salary, rate.salary_ceiling or participant.salary)
            return int(base * rate.salary_percent / 100)
        if rate.participant_amount is not None:
            return rate.participant_amount
        return rate.monthly_amount or 0


def rate_table(*, on: date) -> RateTable:
    chosen: dict[tuple[str, int], ContributionRate] = {}
    # Newest first per (segment, class): the first one valid on `on` is in force.
    for rate in ContributionRate.objects.filter(valid_from__lte=on).order_by(
        "segment_id", "care_class", "-valid_from"
    ):
        chosen.setdefault((rate.segment_id, rate.care_class), rate)
    return RateTable(chosen)


def participant_base_queryset() -> QuerySet[Participant]:
    return Participant.objects.select_related("segment", "fktp", "branch")


def live_participants() -> QuerySet[Participant]:
    return participant_base_queryset().filter(retired_at__isnull=True)


def participant_for_eligibility(*, nik: str | None, card_number: str | None) -> Participant | None:
    qs = live_participants()
    if card_number:
        return qs.filter(card_number=card_number).first()
    if nik:
        return qs.filter(nik=nik).first()
    return None


def participant_status_history(*, participant: Participant) -> QuerySet[StatusChange]:
    return participant.status_changes.select_related("actor").order_by("-changed_at", "-id")


def participants_for_staff(*, user: User) -> QuerySet[Participant]:
    """Staff see only their branch; a superuser sees all."""
    qs = participant_base_queryset()
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(branch_id=user.branch_id)


def segments() -> Iterable[Segment]:
    return Segment.objects.all()


def eligibility_lookups_for_staff(*, user: User) -> QuerySet[EligibilityLookup]:
    """Lookups about the branch's participants, and lookups by the branch's facility accounts
    (which shows numbers tried that matched nobody); a superuser sees all. Who a lookup by the
    branch's facility about another branch's participant concerned is not the staff member's
    to see: `participant_visible` says which rows may name the participant."""
    qs = EligibilityLookup.objects.select_related("account", "participant")
    if user.is_superuser:
        return qs.annotate(participant_visible=Value(True))
    if user.branch_id is None:
        return qs.none()
    return qs.filter(
        Q(participant__branch_id=user.branch_id) | Q(account__branch_id=user.branch_id)
    ).annotate(
        participant_visible=Case(
            When(participant__branch_id=user.branch_id, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
