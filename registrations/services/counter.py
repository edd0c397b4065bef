"""Branch staff register a family at the counter (Django admin), on the family's behalf.

The same steps and rules as the family's own flow (`new_family`): the KK is pulled and judged
by `kk_examine`, members, class and the submit go through the same services. What differs is
what the counter replaces: the bot check (a signed-in staff user) and the e-mail code (the
family stands at the counter and staff check the KTP/KK). Staff say why (kept on the
registration and in every new participant's history) and register only families of their own
branch. A refusal writes nothing: the KK is judged before the draft exists, and the rest runs
in one transaction."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import User

from ..models import Registration
from .new_family.contact import contact_email_checked
from .new_family.draft import Step, counter_reason_checked, locked_draft, touch
from .new_family.family_card import (
    counter_branch_check,
    kk_examine,
    kk_store,
    registration_set_class,
    registration_set_members,
)
from .new_family.submit import registration_submit


class NotCounterStaff(DomainError):
    code = "NOT_COUNTER_STAFF"
    http_status = 403


def _counter_staff(actor: User) -> None:
    if actor.role != User.Role.STAFF or actor.branch_id is None:
        raise NotCounterStaff(_("Only branch staff register a family at the counter."))


def counter_registration_start(
    *, actor: User, counter_reason: str, kk_number: str, terms_accepted: bool
) -> Registration:
    """A counter draft with the KK already pulled from Dukcapil and judged, at the members
    step. Refused, with nothing written, for a KK of another branch or any refusal of the KK
    step (unknown to Dukcapil, already registered, nothing to register)."""
    _counter_staff(actor)
    reason = counter_reason_checked(actor=actor, counter_reason=counter_reason)
    if not terms_accepted:
        message = _("The family must accept the terms to register.")
        raise ValidationFailed(message, fields={"terms_accepted": [message]})
    found = kk_examine(kk_number=kk_number)
    draft = Registration(created_by=actor, counter_reason=reason, branch=actor.branch)
    counter_branch_check(registration=draft, found=found)
    with transaction.atomic():
        draft.expires_at = timezone.now() + timedelta(hours=settings.REGISTRATION_DRAFT_HOURS)
        draft.save()
        kk_store(draft, found)
    return draft


def counter_registration_submit(
    *,
    registration: Registration,
    actor: User,
    members: list[dict[str, Any]],
    care_class: int,
    email: str,
    phone: str,
    consent: bool,
    on: date,
) -> Registration:
    """Members, class, contact and consent at once, then the family and its first VA: the
    same services as the family's own steps, in one transaction (a refusal changes nothing).
    The contact is confirmed in person instead of by a code."""
    _counter_staff(actor)
    if not registration.counter_reason or registration.branch_id != actor.branch_id:
        # The admin finds drafts through the branch's queryset; this guards other callers.
        raise DomainError(_("Not a counter registration of your branch."), code="NOT_FOUND")
    email = contact_email_checked(email)
    if not consent:
        message = _("The family must agree to the statement to register.")
        raise ValidationFailed(message, fields={"consent": [message]})
    with transaction.atomic():
        registration_set_members(registration=registration, members=members)
        registration_set_class(registration=registration, care_class=care_class)
        locked = locked_draft(registration, at_least=Step.CONTACT)
        locked.contact_email = email
        locked.contact_phone = phone.strip()[:16]
        locked.contact_verified_at = timezone.now()
        locked.data = {**locked.data, "contact_confirmed_at_counter_by": actor.pk}
        touch(locked, step=Step.CONSENT)
        return registration_submit(registration=locked, consent=True, actor=actor, on=on)
