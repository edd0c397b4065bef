"""Confirmation (the proof checked, then applied or scheduled), cancellation, and FKTP
capacity."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import User
from families.selectors import current_memberships
from participants.models import Facility
from payments.services import family_bills_prepare

from .. import verification
from ..models import ChangeRequest, DataChange, FacilityCapacity, Kind
from ..rules import first_of_next_month
from .apply import change_apply
from .common import NotFound, today


def _own_request(user: User, request_id: str) -> ChangeRequest:
    """Only the caller's own requests: another's answers exactly like one that does not exist."""
    try:
        return ChangeRequest.objects.select_related("participant", "requested_by").get(
            pk=request_id, requested_by=user
        )
    except (ChangeRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound(_("Not found."), code="NOT_FOUND") from exc


def change_confirm(
    *, user: User, request_id: str, code: str = "", pin: str = "", on: date | None = None
) -> ChangeRequest:
    """The proof checked (outside the transaction, so a wrong try counts), then each change
    applied now or scheduled for its day, and the participant told."""
    on = on or today()
    request = _own_request(user, request_id)
    if request.state != ChangeRequest.State.AWAITING_VERIFICATION:
        raise DomainError(_("This request is no longer waiting for a code."), code="REQUEST_CLOSED")
    verification.challenge_check(request=request, user=user, code=code, pin=pin)
    now = timezone.now()
    with transaction.atomic():
        claimed = ChangeRequest.objects.filter(
            pk=request.pk, state=ChangeRequest.State.AWAITING_VERIFICATION
        ).update(state=ChangeRequest.State.CONFIRMED, confirmed_at=now)
        if not claimed:
            raise DomainError(
                _("This request is no longer waiting for a code."), code="REQUEST_CLOSED"
            )
        applied = scheduled = 0
        for change in DataChange.objects.select_for_update().filter(
            request=request, state=DataChange.State.PENDING
        ):
            if change.effective_on <= on:
                change_apply(change=change, actor=user, now=now)
                applied += 1
            else:
                change.state = DataChange.State.SCHEDULED
                change.save(update_fields=["state"])
                scheduled += 1
        if request.kind == Kind.SEGMENT:
            # The VA and this month's amount, at once (the billing job would only make it
            # on the 1st of next month).
            family = current_memberships().filter(participant=request.participant).first()
            if family:
                family_bills_prepare(family=family.family, on=on)
        text = (
            _("Your data change is scheduled and takes effect on %(d)s.")
            % {"d": first_of_next_month(on).strftime("%d-%m-%Y")}
            if scheduled
            else _("Your data change is in effect.")
        )
        verification.notify(request=request, event="confirmed", text=text)
    request.refresh_from_db()
    return request


def change_cancel(*, user: User, request_id: str, on: date | None = None) -> int:
    """Cancel a request's scheduled changes before they take effect. Returns how many."""
    on = on or today()
    request = _own_request(user, request_id)
    with transaction.atomic():
        cancelled = DataChange.objects.filter(
            request=request, state=DataChange.State.SCHEDULED, effective_on__gt=on
        ).update(state=DataChange.State.CANCELLED, cancelled_at=timezone.now())
        if not cancelled:
            raise DomainError(
                _("Nothing to cancel: the change is already in effect or was cancelled."),
                code="NOTHING_TO_CANCEL",
            )
        verification.notify(
            request=request, event="cancelled", text=_("Your scheduled data change was cancelled.")
        )
    return cancelled


def facility_capacity_set(
    *, facility: Facility, actor: User, is_full: bool, note: str = ""
) -> FacilityCapacity:
    if (
        actor.role != User.Role.ADMIN
        and not actor.is_superuser
        and facility.branch_id != actor.branch_id
    ):
        raise NotFound(_("Not found."), code="NOT_FOUND")
    with transaction.atomic():
        capacity, _created = FacilityCapacity.objects.update_or_create(
            facility=facility,
            defaults={"is_full": is_full, "note": note[:200], "changed_by": actor},
        )
    return capacity
