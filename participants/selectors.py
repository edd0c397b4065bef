"""Reads shared by pages, the API and the admin."""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import cast

from django.db import connection
from django.db.models import BooleanField, Case, F, Model, Q, QuerySet, Value, When

from core.models import ReferenceEpoch, User
from core.pages import page_states
from core.sql import execute

from .contributions import FamilyCharges, RateBook, WageBook, family_charges, rate_book, wage_book
from .models import EligibilityLookup, Participant, Segment, StatusChange
from .status import PaymentUnit, StatusResult, derive_status


@dataclass(frozen=True)
class FamilyStatuses:
    """Every member's status and the family's amounts, from one computation."""

    charges: FamilyCharges
    payment_unit: PaymentUnit
    statuses: dict[int, StatusResult]


def family_statuses(
    *,
    members: Sequence[tuple[Participant, str]],
    on: date,
    district_code: str,
    virtual_account: str,
    rates: RateBook | None = None,
    wages: WageBook | None = None,
) -> FamilyStatuses:
    """Status of each member with the amounts of `contributions.family_charges`: Info Peserta,
    the family API and the eligibility check all come here, so they cannot disagree."""
    if wages is None:
        # Only a PPU member needs the wage floor: other families save the query.
        employer = any(p.segment.payer == Segment.Payer.EMPLOYER for p, _r in members)
        wages = wage_book() if employer else WageBook({})
    charges = family_charges(
        members, on=on, rates=rates or rate_book(), wages=wages, district_code=district_code
    )
    unit = PaymentUnit(
        monthly_amount=charges.va_monthly_amount,
        virtual_account=virtual_account,
        amount_due=charges.va_amount_due,
    )
    statuses = {
        p.pk: derive_status(
            p, on=on, payment_unit=unit, ppu_refusal=charges.ppu_refusals.get(p.pk, "")
        )
        for p, _relationship in members
    }
    return FamilyStatuses(charges, unit, statuses)


def participant_status(*, participant: Participant, on: date) -> StatusResult:
    """One participant's status with their family's facts (the eligibility check): a PPU
    refusal counts, but a facility is not shown the family's amounts or virtual account. The
    family is read through the membership relation, without importing `families`."""
    rows = list(
        live_participants()
        .filter(
            memberships__valid_to__isnull=True,
            memberships__family__memberships__valid_to__isnull=True,
            memberships__family__memberships__participant=participant,
        )
        .annotate(
            relationship=F("memberships__relationship"),
            district_code=F("memberships__family__district_id"),
            virtual_account=F("memberships__family__virtual_account"),
        )
    )
    if not rows:
        return derive_status(participant, on=on)
    family = family_statuses(
        members=[(p, p.relationship) for p in rows],  # type: ignore[attr-defined]
        on=on,
        district_code=rows[0].district_code,  # type: ignore[attr-defined]
        virtual_account=rows[0].virtual_account,  # type: ignore[attr-defined]
    )
    refusal = family.charges.ppu_refusals.get(participant.pk, "")
    return derive_status(participant, on=on, ppu_refusal=refusal)


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


# --- fact tokens: the key of a cached answer about a participant's family (core/facts.py) ---

# Bumped when the shape of a cached answer changes, so that a new release never serves an
# answer cached by the old code.
FACTS_KEY_VERSION = 1
FACT_LOOKUPS = {"user_id": "p1.user_id", "card_number": "p1.card_number", "nik": "p1.nik"}


@cache
def fact_rows_sql_parts() -> tuple[str, str]:
    """(select list, joins after the caller's participant row `p1`) of the fact query, for
    a statement that reaches `p1` its own way (fact_rows_joined: the Bearer token's, so that
    one statement reads both). A row's columns are those of FactRows.rows."""
    # The family tables are reached through the `memberships` relation, as the ORM queries
    # here do, without importing `families`.
    membership_model = cast(type[Model], Participant._meta.get_field("memberships").related_model)
    family_model = cast(type[Model], membership_model._meta.get_field("family").related_model)
    participant = Participant._meta.db_table
    membership = membership_model._meta.db_table
    family = family_model._meta.db_table
    epoch = ReferenceEpoch._meta.db_table
    # Plain SQL: the ORM would spend longer building this query than the database answering
    # it. Table and column names come from the models and FACT_LOOKUPS, the value is a
    # parameter.
    columns = (
        f"p1.id, p1.facts_token, f.id, f.facts_token, "  # noqa: S608
        f"(SELECT e.token FROM {epoch} e WHERE e.id = 1), "
        f"m2.id, m2.participant_id, m2.relationship, m2.is_main, p2.facts_token"
    )
    joins = (
        f"LEFT JOIN {membership} m1 ON m1.participant_id = p1.id AND m1.valid_to IS NULL "
        f"LEFT JOIN {family} f ON f.id = m1.family_id "
        f"LEFT JOIN {membership} m2 ON m2.family_id = f.id AND m2.valid_to IS NULL "
        f"LEFT JOIN {participant} p2 ON p2.id = m2.participant_id"
    )
    return columns, joins


@cache
def fact_rows_joined(on: str) -> tuple[str, str, str]:
    """(select list, joins, order) that read the fact rows inside another statement, which
    reaches the live participant `p1` where `on` holds: the `also` of core.auth
    .BearerTokenAuthentication (families.api.auth: the token's own user; participants.api.auth:
    the number a facility asks about, a %s parameter)."""
    columns, joins = fact_rows_sql_parts()
    participant = Participant._meta.db_table
    return (
        columns,
        f"LEFT JOIN {participant} p1 ON {on} AND p1.retired_at IS NULL {joins}",
        "p1.id, m2.id",
    )


@cache
def _fact_rows_sql(column: str, more_columns: str = "") -> str:
    columns, joins = fact_rows_sql_parts()
    return (
        f"SELECT {columns}{more_columns} FROM {Participant._meta.db_table} p1 {joins} "  # noqa: S608
        f"WHERE {column} = %s AND p1.retired_at IS NULL ORDER BY p1.id, m2.id"
    )


@dataclass(frozen=True)
class FactRows:
    """The tokens of everything a live participant's family answer is computed from."""

    rows: list[tuple]

    @property
    def participant_id(self) -> int:
        return self.rows[0][0]

    @property
    def family_id(self) -> int | None:
        return self.rows[0][2]

    def key(self, *parts: object) -> str:
        """A cache key that changes with any of those facts and with `parts` (which answer,
        for which date, in which language)."""
        text = repr((FACTS_KEY_VERSION, parts, self.rows))
        return "facts:" + hashlib.sha256(text.encode()).hexdigest()


def fact_rows(*, by: str, value: int | str) -> FactRows | None:
    """One small query: the live participant found by `by` (user_id, card_number or nik),
    the family card, every current member and the reference epoch, each with its token, and
    the current memberships themselves (who belongs, as what, who is main). Any write to a
    fact a family answer is computed from changes these rows, so a key made from them is never
    stale. None when no live participant matches."""
    with connection.cursor() as cursor:
        execute(connection, cursor, _fact_rows_sql(FACT_LOOKUPS[by]), [value])
        rows = cursor.fetchall()
    return FactRows(rows) if rows else None


def fact_rows_with_page_state(*, user_id: int) -> tuple[FactRows, tuple] | None:
    """fact_rows of the user's live participant and, in the same statement, the values of
    the page states the apps above registered (core.pages: what every participant page
    shows beyond the family's facts). None when no live participant matches."""
    states = page_states()
    more = "".join(f", {column}" for state in states for column in state.columns)
    params = [param for state in states for param in state.params]
    sql = _fact_rows_sql(FACT_LOOKUPS["user_id"], more)
    with connection.cursor() as cursor:
        execute(connection, cursor, sql, [*params, user_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    width = len(rows[0]) - sum(len(state.columns) for state in states)
    return FactRows([row[:width] for row in rows]), tuple(rows[0][width:])
