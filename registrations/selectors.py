"""Reads shared by the registration pages, the API and the admin."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.models import Region, User
from participants.models import Facility, Participant, Segment
from participants.selectors import rate_table

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


def member_monthly_amount(*, segment_code: str, care_class: int, on: date) -> int:
    """What a member of this segment and class pays per month (the rates table's one rule)."""
    member = Participant(segment=Segment.objects.get(pk=segment_code), care_class=care_class)
    return rate_table(on=on).monthly_payable(member)


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
