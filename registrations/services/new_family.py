"""Writes of the registration flow (Pendaftaran Peserta Baru, DESIGN.md 4.4 and 4.5).

A draft moves through the steps in order (a step may be repeated: going back is allowed, going
past an unfinished step is not). Nothing reaches participants or families before
`registration_submit`, which creates the family, its members and the first payment's VA in one
transaction: a refusal there leaves nothing behind. Two people submitting the same KK at once
meet at the family card's unique number: one family, the other is told it is registered."""

import hashlib
import hmac
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.models import BranchOffice, Region, User
from core.nik import validate_kk_number
from families.models import FamilyCard
from families.services import family_card_create, family_members_set
from participants.models import Participant
from participants.services import participant_register
from payments.selectors import bill_statement
from payments.services.billing import family_bills_prepare

from .. import notify
from ..models import Registration
from ..registry import family_pull
from ..selectors import facilities_near, family_monthly_quote, registration_is_paid

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


def _now() -> datetime:
    return timezone.now()


def _touch(registration: Registration, *, step: str) -> None:
    registration.step = step
    registration.expires_at = _now() + timedelta(hours=settings.REGISTRATION_DRAFT_HOURS)
    registration.save()


def _locked_draft(registration: Registration, *, at_least: str) -> Registration:
    """The draft, locked, checked to be open and to have reached `at_least`."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    # Past its deadline a draft is expired even before the sweep marks it.
    if locked.state == Registration.State.EXPIRED or (
        locked.state == Registration.State.DRAFT and locked.expires_at <= _now()
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


def registration_start(*, actor: User | None, counter_reason: str = "") -> Registration:
    """A new draft. Staff registering a family at the counter must say why (audit)."""
    is_staff = actor is not None and actor.role == User.Role.STAFF
    reason = counter_reason.strip()
    if is_staff and not reason:
        message = _("Staff registering at the counter must give a reason.")
        raise ValidationFailed(message, fields={"counter_reason": [message]})
    with transaction.atomic():
        return Registration.objects.create(
            created_by=actor if actor is not None and actor.is_authenticated else None,
            counter_reason=reason[:255] if is_staff else "",
            branch=actor.branch if is_staff and actor is not None else None,
            expires_at=_now() + timedelta(hours=settings.REGISTRATION_DRAFT_HOURS),
        )


def registration_accept_terms(*, registration: Registration, accepted: bool) -> Registration:
    if not accepted:
        message = _("You must accept the terms to register.")
        raise ValidationFailed(message, fields={"accepted": [message]})
    with transaction.atomic():
        locked = _locked_draft(registration, at_least=Step.TERMS)
        locked.data = {**locked.data, "terms_accepted": True}
        _touch(locked, step=max(locked.step, Step.KK, key=STEP_ORDER.index))
    return locked


def _covered_elsewhere(niks: list[str]) -> dict[str, Participant]:
    return {
        p.nik: p
        for p in Participant.objects.select_related("segment").filter(
            nik__in=niks, retired_at__isnull=True
        )
        if p.nik
    }


def registration_set_kk(*, registration: Registration, kk_number: str) -> Registration:
    """Pull the KK from Dukcapil and decide, per person, who must register with the family."""
    kk_number = kk_number.strip()
    try:
        validate_kk_number(kk_number)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"kk_number": exc.messages}) from exc
    # Refuse an expired or submitted draft before asking the registry.
    with transaction.atomic():
        _locked_draft(registration, at_least=Step.KK)
    # The registry is asked outside the transaction: no row lock held over a network call.
    pulled = family_pull(kk_number=kk_number)
    if pulled is None:
        message = _(
            "This KK number is not known to Dukcapil. Check the number on your family card; "
            "if it is right, update your data at the Dukcapil office, or ask Care Center 165."
        )
        raise DomainError(message, code="KK_NOT_FOUND", fields={"kk_number": [message]})
    if FamilyCard.objects.filter(number=kk_number).exists():
        message = _(
            "This KK is already registered with JKN. To add a family member, the family's "
            "main participant logs in and uses Info Peserta > Tambah anggota keluarga."
        )
        raise DomainError(message, code="KK_ALREADY_REGISTERED", fields={"kk_number": [message]})
    district = Region.objects.filter(
        code=pulled.card.district_code, level=Region.Level.DISTRICT
    ).first()
    branch = (
        BranchOffice.objects.filter(regency_id=district.parent_id).first() if district else None
    )
    if district is None or branch is None:
        message = _(
            "No BPJS Kesehatan branch office serves this KK's district yet. Please register "
            "at the nearest branch office with your KK and KTP."
        )
        raise DomainError(message, code="NO_BRANCH", fields={"kk_number": [message]})
    existing = _covered_elsewhere([m.nik for m in pulled.card.members])
    members: list[dict[str, Any]] = []
    for m in pulled.card.members:
        person = pulled.people.get(m.nik)
        row: dict[str, Any] = {
            "nik": m.nik,
            "name": m.name,
            "birth_place": person.birth_place if person else "",
            "birth_date": m.birth_date.isoformat(),
            "sex": m.sex,
            "relationship": m.relationship,
            "case": REQUIRED,
            "note": "",
            "phone": "",
            "email": "",
            "fktp_id": None,
        }
        if person is not None and not person.is_alive:
            row["case"] = DECEASED
            row["note"] = _("Recorded as deceased by Dukcapil: not registered.")
        elif m.nik in existing:
            row["case"] = COVERED_ELSEWHERE
            row["note"] = _(
                "Already a JKN participant (segment %(segment)s): covered, not required."
            ) % {"segment": existing[m.nik].segment.name}
        members.append(row)
    if not any(r["case"] == REQUIRED for r in members):
        message = _("Everyone on this KK is already a JKN participant: nothing to register.")
        raise DomainError(message, code="NOTHING_TO_REGISTER", fields={"kk_number": [message]})
    with transaction.atomic():
        locked = _locked_draft(registration, at_least=Step.KK)
        locked.kk_number = kk_number
        locked.branch = locked.branch if locked.counter_reason else branch
        locked.data = {
            "terms_accepted": True,
            "kk": {
                "address": pulled.card.address,
                "district_code": district.code,
                "branch_id": branch.pk,
            },
            "members": members,
        }
        locked.contact_verified_at = None
        _touch(locked, step=Step.MEMBERS)
    return locked


def required_members(registration: Registration) -> list[dict[str, Any]]:
    return [m for m in registration.data.get("members", []) if m["case"] == REQUIRED]


def registration_set_members(
    *, registration: Registration, members: list[dict[str, Any]]
) -> Registration:
    """Each required member's phone, e-mail and FKTP. Everyone on the KK registers together
    for PBPU (DESIGN.md 4.5): a member left out refuses the step with who and why."""
    with transaction.atomic():
        locked = _locked_draft(registration, at_least=Step.MEMBERS)
        district = Region.objects.get(code=locked.data["kk"]["district_code"])
        allowed = {f.pk for f in facilities_near(district=district)}
        given = {str(m.get("nik", "")): m for m in members}
        on_card = {m["nik"] for m in locked.data["members"]}
        fields: dict[str, list[str]] = {}
        unknown = sorted(set(given) - on_card)
        if unknown:
            fields["members"] = [
                _("%(nik)s is not on this KK at Dukcapil.") % {"nik": nik} for nik in unknown
            ]
        missing = [m for m in required_members(locked) if m["nik"] not in given]
        if missing:
            fields.setdefault("members", []).extend(
                _(
                    "%(name)s is missing: listed on the KK at Dukcapil and not yet a JKN "
                    "participant, so must register with the family."
                )
                % {"name": m["name"]}
                for m in missing
            )
            message = _("Everyone on the KK registers together. Missing: %(names)s.") % {
                "names": ", ".join(m["name"] for m in missing)
            }
            raise ValidationFailed(message, code="PARTIAL_FAMILY", fields=fields)
        if fields:
            raise ValidationFailed(fields["members"][0], fields=fields)
        rows = []
        for row in locked.data["members"]:
            if row["case"] == REQUIRED:
                choice = given[row["nik"]]
                try:
                    fktp_id = int(choice.get("fktp_id") or 0)
                except (TypeError, ValueError):
                    fktp_id = 0
                if fktp_id not in allowed:
                    fields[f"members.{row['nik']}.fktp_id"] = [
                        _("Choose an FKTP near the family's district.")
                    ]
                row = {
                    **row,
                    "phone": str(choice.get("phone") or "")[:16],
                    "email": str(choice.get("email") or "")[:254],
                    "fktp_id": fktp_id,
                }
            rows.append(row)
        if fields:
            raise ValidationFailed(_("Choose an FKTP for every member."), fields=fields)
        locked.data = {**locked.data, "members": rows}
        _touch(locked, step=max(locked.step, Step.CLASS, key=STEP_ORDER.index))
    return locked


def registration_set_class(*, registration: Registration, care_class: int) -> Registration:
    if care_class not in (1, 2, 3):
        message = _("Choose class 1, 2 or 3.")
        raise ValidationFailed(message, fields={"care_class": [message]})
    with transaction.atomic():
        locked = _locked_draft(registration, at_least=Step.CLASS)
        locked.data = {**locked.data, "care_class": care_class}
        _touch(locked, step=max(locked.step, Step.CONTACT, key=STEP_ORDER.index))
    return locked


def _code_hash(registration: Registration, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{registration.public_id}:{code}".encode(), hashlib.sha256).hexdigest()


def registration_set_contact(*, registration: Registration, email: str, phone: str) -> Registration:
    """The family's contact; a code goes to the e-mail (where the VA will be sent too)."""
    email = email.strip()
    if not email:
        message = _("An e-mail address is needed: the virtual account is sent there.")
        raise ValidationFailed(message, fields={"email": [message]})
    with transaction.atomic():
        locked = _locked_draft(registration, at_least=Step.CONTACT)
        now = _now()
        wait = settings.REGISTRATION_CODE_RESEND_SECONDS
        if locked.code_sent_at and now - locked.code_sent_at < timedelta(seconds=wait):
            raise DomainError(
                _("A code was just sent. Wait a minute before asking for another."),
                code="CODE_RESEND_TOO_SOON",
            )
        code = f"{secrets.randbelow(10**6):06d}"
        locked.contact_email = email
        locked.contact_phone = phone.strip()[:16]
        locked.contact_verified_at = None
        locked.code_hash = _code_hash(locked, code)
        locked.code_attempts = 0
        locked.code_sent_at = now
        _touch(locked, step=Step.VERIFY)
        notify.contact_code_send(registration=locked, code=code)
    return locked


def registration_verify_contact(*, registration: Registration, code: str) -> Registration:
    with transaction.atomic():
        locked = _locked_draft(registration, at_least=Step.VERIFY)
        expired = locked.code_sent_at is None or _now() - locked.code_sent_at > timedelta(
            minutes=settings.REGISTRATION_CODE_MINUTES
        )
        if expired or locked.code_attempts >= settings.REGISTRATION_CODE_ATTEMPTS:
            message = _("The code has expired or was tried too often. Ask for a new code.")
            raise ValidationFailed(message, code="CODE_EXPIRED", fields={"code": [message]})
        right = hmac.compare_digest(locked.code_hash, _code_hash(locked, code.strip()))
        if right:
            locked.contact_verified_at = _now()
            locked.code_hash = ""
            _touch(locked, step=Step.CONSENT)
        else:
            # The wrong attempt is counted (committed), then refused.
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts"])
    if not right:
        message = _("Wrong code.")
        raise ValidationFailed(message, code="CODE_WRONG", fields={"code": [message]})
    return locked


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
    locked = _locked_draft(registration, at_least=Step.CONSENT)
    if locked.contact_verified_at is None:
        raise DomainError(_("Verify the contact code first."), code="CONTACT_NOT_VERIFIED")
    if FamilyCard.objects.filter(number=locked.kk_number).exists():
        raise KkAlreadyRegistered(
            _("This KK has just been registered. Log in as the family to see it.")
        )
    members = required_members(locked)
    taken = _covered_elsewhere([m["nik"] for m in members])
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
    locked.submitted_at = _now()
    locked.virtual_account = family.virtual_account
    locked.va_expires_on = on + timedelta(days=settings.REGISTRATION_VA_VALID_DAYS)
    locked.va_issued_count = 1
    locked.data = {**locked.data, "consent": True}
    _touch(locked, step=Step.DONE)
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


def registrations_expire_drafts(*, now: datetime) -> int:
    """Mark drafts past their deadline EXPIRED (idempotent: a conditional UPDATE)."""
    return Registration.objects.filter(state=Registration.State.DRAFT, expires_at__lte=now).update(
        state=Registration.State.EXPIRED
    )


def class_quote(*, registration: Registration, care_class: int, on: date) -> dict[str, Any]:
    """Iuran per member and the family total for a class, as the user chooses it."""
    members = required_members(registration)
    per_member, total = family_monthly_quote(
        members=[(date.fromisoformat(m["birth_date"]), m["relationship"]) for m in members],
        segment_code=NEW_FAMILY_SEGMENT,
        care_class=care_class,
        district_code=registration.data.get("kk", {}).get("district_code", ""),
        on=on,
    )
    return {
        "care_class": care_class,
        "per_member": per_member,
        "members": len(members),
        "total": total,
    }
