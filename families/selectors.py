"""Family reads shared by the Info Peserta pages and the API, with a fixed number of queries
whatever the family's size (one for the family's members found through the caller, one for
the rates)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from core.models import User
from participants.contributions import EMPLOYER, FAMILY, FamilyCharges
from participants.models import Participant
from participants.selectors import (
    FactRows,
    fact_rows,
    fact_rows_with_page_state,
    family_statuses,
)
from participants.status import PaymentUnit, StatusResult

from .models import FamilyCard, FamilyMembership


@dataclass(frozen=True)
class MemberView:
    membership: FamilyMembership
    participant: Participant
    status: StatusResult


@dataclass(frozen=True)
class FamilyView:
    family: FamilyCard
    members: list[MemberView]
    payment_unit: PaymentUnit
    on: date
    viewer: Participant
    charges: FamilyCharges

    @property
    def family_monthly_amount(self) -> int:
        """PBPU/BP members: what the family pays to its virtual account this month."""
        return self.charges.monthly_amount(FAMILY)

    @property
    def employer_unit(self):
        """PPU members: this month's employer bill (4% employer + 1% worker + 1% further)."""
        return self.charges.this_month.get(EMPLOYER)

    @property
    def all_active(self) -> bool:
        return all(m.status.status == "AKTIF" for m in self.members)

    def member(self, card_number: str) -> MemberView | None:
        """A member of this family only: anyone else is None (404), like an unknown card."""
        return next((m for m in self.members if m.participant.card_number == card_number), None)


def current_memberships() -> QuerySet[FamilyMembership]:
    return FamilyMembership.objects.filter(valid_to__isnull=True)


def _family_rows(**viewer: object) -> list[FamilyMembership]:
    """Current members of the family whose current member matches `viewer`, in one query:
    the viewer's own membership and the family's members are found by the same join."""
    in_family_of = {f"family__memberships__{k}": v for k, v in viewer.items()}
    return list(
        current_memberships()
        .filter(family__memberships__valid_to__isnull=True, **in_family_of)
        .select_related(
            "participant__segment", "participant__fktp", "participant__branch", "family"
        )
        .order_by("-is_main", "participant__birth_date", "id")
    )


def _family_view(rows: list[FamilyMembership], *, on: date, viewer: Participant) -> FamilyView:
    family = rows[0].family
    # Every member by their own segment, the amounts from the one function (DESIGN.md 4.3).
    computed = family_statuses(
        members=[(m.participant, m.relationship) for m in rows],
        on=on,
        district_code=family.district_id,
        virtual_account=family.virtual_account,
    )
    members = [MemberView(m, m.participant, computed.statuses[m.participant.pk]) for m in rows]
    return FamilyView(
        family=family,
        members=members,
        payment_unit=computed.payment_unit,
        on=on,
        viewer=viewer,
        charges=computed.charges,
    )


def family_view_for_participant(*, participant: Participant, on: date) -> FamilyView | None:
    rows = _family_rows(participant=participant)
    if not rows:
        return None
    viewer = next((m.participant for m in rows if m.participant.pk == participant.pk), participant)
    return _family_view(rows, on=on, viewer=viewer)


def participant_of_user(*, user: User) -> Participant | None:
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return None
    return (
        Participant.objects.filter(user_id=user.pk, retired_at__isnull=True)
        .select_related("segment")
        .first()
    )


def family_view_for_user(*, user: User, on: date) -> FamilyView | None:
    """The caller's own family: the only family a participant can reach."""
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return None
    rows = _family_rows(participant__user_id=user.pk, participant__retired_at__isnull=True)
    if not rows:
        return None
    viewer = next(m.participant for m in rows if m.participant.user_id == user.pk)
    return _family_view(rows, on=on, viewer=viewer)


def families_for_staff(*, user: User) -> QuerySet[FamilyCard]:
    qs = FamilyCard.objects.select_related("branch", "district")
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(branch_id=user.branch_id)


def family_facts_for_user(*, user: User) -> FactRows | None:
    """The fact tokens of the caller's family (participants.selectors.fact_rows), or None
    without one: `.key(...)` makes the cache key of an answer computed from those facts, which
    any write to one of them changes. The rows start with the caller, so the key is the
    caller's own (the NIK is shown in full to its owner only)."""
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return None
    facts = fact_rows(by="user_id", value=user.pk)
    return family_facts_of(facts.rows if facts else [])


def family_page_facts_for_user(*, user: User) -> tuple[FactRows, tuple] | None:
    """family_facts_for_user and, in the same statement, the page states of core.pages
    (what every participant page shows beyond the family): None without a family."""
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return None
    found = fact_rows_with_page_state(user_id=user.pk)
    facts = family_facts_of(found[0].rows) if found else None
    return (facts, found[1]) if facts and found else None


def family_facts_of(rows: list[tuple]) -> FactRows | None:
    """family_facts_for_user's answer from fact rows read in another statement (the Bearer
    token's: families.api.auth): None without a live participant or a family."""
    if not rows or rows[0][0] is None:
        return None
    facts = FactRows(rows)
    return facts if facts.family_id is not None else None
