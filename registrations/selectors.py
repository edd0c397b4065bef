"""Reads shared by the registration pages, the API and the admin."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from core.models import Region, User
from dukcapil_sync.selectors import family_offer_for_user
from families.models import Relationship
from families.selectors import family_view_for_user
from participants.contributions import (
    EMPLOYER,
    MemberRow,
    family_charges,
    rate_book,
    wage_book,
)
from participants.models import Facility, Participant, Segment

from .models import Registration


def facilities_near(*, district: Region) -> QuerySet[Facility]:
    """FKTP of the family's district first, then the rest of its regency/city."""
    return (
        Facility.objects.filter(district__parent_id=district.parent_id)
        .annotate(
            far=Case(
                When(district_id=district.pk, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("far", "name")
    )


def family_monthly_quote(
    *,
    members: list[tuple[date, str]],
    segment_code: str,
    care_class: int,
    district_code: str,
    on: date,
) -> tuple[int, int]:
    """(per member, family total) per month for a family not registered yet: the draft's
    members as the contribution rules read them, through the one amount function."""
    segment = Segment.objects.get(pk=segment_code)
    rows = [
        (
            MemberRow(
                pk=index + 1,
                segment=segment,
                segment_id=segment.pk,
                care_class=care_class,
                salary=None,
                birth_date=birth_date,
                coverage_start=on,
                coverage_end=None,
                date_of_death=None,
                paid_through=None,
                retired_at=None,
                marital_status="",
                in_formal_education=False,
            ),
            relationship,
        )
        for index, (birth_date, relationship) in enumerate(members)
    ]
    if not rows:
        return 0, 0
    charges = family_charges(
        rows, on=on, rates=rate_book(), wages=wage_book(), district_code=district_code
    )
    total = charges.va_monthly_amount
    return total // len(rows), total


def registration_is_paid(*, registration: Registration) -> bool:
    """The first payment is made once the family's members have a paid month."""
    if registration.family_id is None:
        return False
    return Participant.objects.filter(
        memberships__family_id=registration.family_id,
        memberships__valid_to__isnull=True,
        paid_through__isnull=False,
    ).exists()


def registration_public_state(*, registration: Registration, on: date) -> str:
    """DRAFT, EXPIRED, AWAITING_PAYMENT, PAYMENT_EXPIRED (start the payment again), PAID."""
    if registration.state == Registration.State.DRAFT and registration.expires_at <= timezone.now():
        return Registration.State.EXPIRED
    if registration.state != Registration.State.AWAITING_PAYMENT:
        return registration.state
    if registration_is_paid(registration=registration):
        return "PAID"
    if registration.va_expires_on is not None and registration.va_expires_on < on:
        return "PAYMENT_EXPIRED"
    return registration.state


def registration_for_public_id(*, public_id: str) -> Registration | None:
    try:
        return Registration.objects.select_related("family").get(public_id=public_id)
    except (Registration.DoesNotExist, ValidationError):
        return None


def registrations_for_staff(*, user: User) -> QuerySet[Registration]:
    qs = Registration.objects.select_related("branch", "family", "created_by")
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(branch_id=user.branch_id)


def member_offer_initial(*, user: User, offer_id: str) -> dict[str, Any] | None:
    """Tambah anggota keluarga pre-filled from an offer of the sync panel (a person Dukcapil
    lists on the user's KK, not yet a participant); None for an offer that is not the user's
    own family's or no longer open (answered like one that does not exist)."""
    if not offer_id.isdigit():
        return None
    offer = family_offer_for_user(user=user, discrepancy_id=int(offer_id))
    if offer is None:
        return None
    detail = offer.detail
    relationship = detail.get("relationship", "")
    # The registry's codes are ours; the head of the KK is never an added member.
    if relationship not in Relationship.values or relationship == Relationship.HEAD:
        relationship = ""
    return {
        "offer": offer.pk,
        "nik": detail.get("nik", ""),
        "name": detail.get("name", ""),
        "birth_date": detail.get("birth_date", ""),
        "sex": detail.get("sex", ""),
        "relationship": relationship,
    }


def ppu_further_member_amount(*, user: User, participant: Participant, on: date) -> int:
    """What a PPU family's further member (parent, parent-in-law, 4th child onward) costs a
    month: 1% of the worker's salary, on the employer's bill, paid by the worker. 0 for a
    member the worker's cover includes, or another segment. Read for next month: this
    month may already be paid with the worker's cover."""
    next_month = (on.replace(day=1) + timedelta(days=32)).replace(day=1)
    view = family_view_for_user(user=user, on=next_month)
    unit = view.charges.this_month.get(EMPLOYER) if view is not None else None
    if unit is None:
        return 0
    return sum(
        line.amount
        for line in unit.lines
        if line.participant_id == participant.pk and line.kind == "EXTRA"
    )
