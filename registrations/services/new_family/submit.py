"""The last step: the family and its members in one transaction, TIDAK AKTIF until the first
payment, and the virtual account of that payment (again, with a new number, once it expires)."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import BranchOffice, Region, User
from families.models import FamilyCard
from families.services import family_card_create, family_members_set
from participants.models import Participant
from participants.services import participant_register
from payments.selectors import bill_statement
from payments.services.billing import family_bills_prepare

from ... import notify
from ...models import Registration
from ...selectors import registration_is_paid
from .draft import NEW_FAMILY_SEGMENT, Step, locked_draft, touch
from .family_card import covered_elsewhere, required_members


def _new_virtual_account() -> str:
    for _attempt in range(10):
        candidate = f"{settings.VA_PREFIX}{secrets.randbelow(10**11):011d}"
        if not FamilyCard.objects.filter(virtual_account=candidate).exists():
            return candidate
    raise DomainError(_("Could not issue a virtual account; try again."), code="VA_BUSY")


class KkAlreadyRegistered(DomainError):
    code = "KK_ALREADY_REGISTERED"


def registration_submit(
    *, registration: Registration, consent: bool, actor: User | None, on: date
) -> Registration:
    """Create the family (PBPU, TIDAK AKTIF until the first payment) and its first VA."""
    if not consent:
        message = _("You must agree to the statement to register.")
        raise ValidationFailed(message, fields={"consent": [message]})
    try:
        with transaction.atomic():
            return _submit(registration=registration, actor=actor, on=on)
    except IntegrityError as exc:
        # Someone else registered this KK or one of its NIKs a moment ago (the unique KK
        # number and live-NIK constraints met the two submits): one family, this one refused.
        raise KkAlreadyRegistered(
            _("This KK has just been registered. Log in as the family to see it."),
        ) from exc


def _submit(*, registration: Registration, actor: User | None, on: date) -> Registration:
    locked = locked_draft(registration, at_least=Step.CONSENT)
    if locked.contact_verified_at is None:
        raise DomainError(_("Verify the contact code first."), code="CONTACT_NOT_VERIFIED")
    if FamilyCard.objects.filter(number=locked.kk_number).exists():
        raise KkAlreadyRegistered(
            _("This KK has just been registered. Log in as the family to see it.")
        )
    members = required_members(locked)
    taken = covered_elsewhere([m["nik"] for m in members])
    if taken:
        raise DomainError(
            _("%(names)s became a participant meanwhile: pull the KK again.")
            % {"names": ", ".join(m["name"] for m in members if m["nik"] in taken)},
            code="NIK_ALREADY_REGISTERED",
        )
    kk = locked.data["kk"]
    branch = BranchOffice.objects.get(pk=kk["branch_id"])
    reason = (
        _("Registration at the counter: %(reason)s") % {"reason": locked.counter_reason}
        if locked.counter_reason
        else _("Online registration")
    )
    family = family_card_create(
        number=locked.kk_number,
        branch=branch,
        district=Region.objects.get(code=kk["district_code"]),
        address=kk["address"][:255] or "-",
    )
    created: list[tuple[Participant, str]] = []
    for m in members:
        participant = participant_register(
            nik=m["nik"],
            name=m["name"],
            birth_place=m["birth_place"],
            birth_date=date.fromisoformat(m["birth_date"]),
            sex=m["sex"],
            segment_id=NEW_FAMILY_SEGMENT,
            care_class=locked.data["care_class"],
            fktp_id=m["fktp_id"],
            branch_id=branch.pk,
            # DESIGN 4.4: not covered until the first payment; months before are never owed.
            coverage_start=on,
            paid_through=None,
            actor=actor,
            reason=reason,
        )
        participant.phone = m["phone"]
        participant.email = m["email"]
        participant.save(update_fields=["phone", "email"])
        created.append((participant, m["relationship"]))
    memberships = family_members_set(family=family, members=created, valid_from=on)
    # The verified contact becomes the main participant's where they gave none, so the
    # family can create its login (codes go to the registered e-mail or phone).
    main = next(m.participant for m in memberships if m.is_main)
    if not main.email or not main.phone:
        main.email = main.email or locked.contact_email
        main.phone = main.phone or locked.contact_phone
        main.save(update_fields=["email", "phone"])
    locked.family = family
    locked.state = Registration.State.AWAITING_PAYMENT
    locked.submitted_at = timezone.now()
    locked.virtual_account = family.virtual_account
    locked.va_expires_on = on + timedelta(days=settings.REGISTRATION_VA_VALID_DAYS)
    locked.va_issued_count = 1
    locked.data = {**locked.data, "consent": True}
    touch(locked, step=Step.DONE)
    notify.virtual_account_send(registration=locked, amount=first_payment_amount(family, on=on))
    return locked


def registration_payment_restart(*, registration: Registration, on: date) -> Registration:
    """The first VA expired unpaid: a new VA for the family, valid another 30 days. The old
    number stops being accepted (the family card holds the only VA payments match)."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.state != Registration.State.AWAITING_PAYMENT or locked.family is None:
            raise DomainError(
                _("Only a submitted registration has a payment."), code="NOT_SUBMITTED"
            )
        if registration_is_paid(registration=locked):
            raise DomainError(_("The first payment is already made."), code="ALREADY_PAID")
        if locked.va_expires_on is not None and locked.va_expires_on >= on:
            raise DomainError(
                _("The virtual account is still valid until %(day)s.")
                % {"day": locked.va_expires_on.strftime("%d-%m-%Y")},
                code="VA_STILL_VALID",
            )
        family = FamilyCard.objects.select_for_update().get(pk=locked.family.pk)
        family.virtual_account = _new_virtual_account()
        family._change_reason = "First payment restarted: new VA"  # type: ignore[attr-defined]
        family.save(update_fields=["virtual_account"])
        locked.virtual_account = family.virtual_account
        locked.va_expires_on = on + timedelta(days=settings.REGISTRATION_VA_VALID_DAYS)
        locked.va_issued_count += 1
        locked.save()
        notify.virtual_account_send(registration=locked, amount=first_payment_amount(family, on=on))
    return locked


def first_payment_amount(family: FamilyCard, *, on: date) -> int:
    """What the VA asks for: the family's open bills (created now if missing)."""
    family_bills_prepare(family=family, on=on)
    return bill_statement(family=family, on=on).total_due
