"""The draft every step shares: its start, the terms, the lock and check each step takes, its
sliding expiry, and the sweep that marks abandoned drafts expired."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import User

from ...models import Registration

Step = Registration.Step
STEP_ORDER = [s.value for s in Step]
NEW_FAMILY_SEGMENT = "PBPU"

# What the KK step found for each person on the card.
REQUIRED = "REQUIRED"  # must register with the family
COVERED_ELSEWHERE = "COVERED_ELSEWHERE"  # already a participant: not required
DECEASED = "DECEASED"  # Dukcapil records a death: not registered


class DraftExpired(DomainError):
    code = "DRAFT_EXPIRED"
    http_status = 410


def touch(registration: Registration, *, step: str) -> None:
    registration.step = step
    registration.expires_at = timezone.now() + timedelta(hours=settings.REGISTRATION_DRAFT_HOURS)
    registration.save()


def later_step(registration: Registration, step: str) -> str:
    """`step`, or the step already reached if that is further (going back keeps progress)."""
    return max(registration.step, step, key=STEP_ORDER.index)


def locked_draft(registration: Registration, *, at_least: str) -> Registration:
    """The draft, locked, checked to be open and to have reached `at_least`."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    # Past its deadline a draft is expired even before the sweep marks it.
    if locked.state == Registration.State.EXPIRED or (
        locked.state == Registration.State.DRAFT and locked.expires_at <= timezone.now()
    ):
        raise DraftExpired(
            _("This registration draft has expired. Start a new registration."),
        )
    if locked.state != Registration.State.DRAFT:
        raise DomainError(
            _("This registration has already been submitted."), code="ALREADY_SUBMITTED"
        )
    if STEP_ORDER.index(locked.step) < STEP_ORDER.index(at_least):
        raise DomainError(
            _("Finish the step “%(step)s” first.") % {"step": Step(locked.step).label},
            code="STEP_NOT_REACHED",
        )
    return locked


def counter_reason_checked(*, actor: User | None, counter_reason: str) -> str:
    """Staff registering a family at the counter must say why (audit); others give none."""
    if actor is None or actor.role != User.Role.STAFF:
        return ""
    reason = counter_reason.strip()
    if not reason:
        message = _("Staff registering at the counter must give a reason.")
        raise ValidationFailed(message, fields={"counter_reason": [message]})
    return reason[:255]


def registration_start(*, actor: User | None, counter_reason: str = "") -> Registration:
    """A new draft. Staff registering a family at the counter must say why (audit)."""
    reason = counter_reason_checked(actor=actor, counter_reason=counter_reason)
    with transaction.atomic():
        return Registration.objects.create(
            created_by=actor if actor is not None and actor.is_authenticated else None,
            counter_reason=reason,
            branch=actor.branch if reason and actor is not None else None,
            expires_at=timezone.now() + timedelta(hours=settings.REGISTRATION_DRAFT_HOURS),
        )


def registration_accept_terms(*, registration: Registration, accepted: bool) -> Registration:
    if not accepted:
        message = _("You must accept the terms to register.")
        raise ValidationFailed(message, fields={"accepted": [message]})
    with transaction.atomic():
        locked = locked_draft(registration, at_least=Step.TERMS)
        locked.data = {**locked.data, "terms_accepted": True}
        touch(locked, step=later_step(locked, Step.KK))
    return locked


def registrations_expire_drafts(*, now: datetime) -> int:
    """Mark drafts past their deadline EXPIRED (idempotent: a conditional UPDATE)."""
    return Registration.objects.filter(state=Registration.State.DRAFT, expires_at__lte=now).update(
        state=Registration.State.EXPIRED
    )
