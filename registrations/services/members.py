"""Tambah anggota keluarga: a signed-in family adds a member or a newborn (DESIGN.md 4.5).

The NIK decides the case: unknown to Dukcapil, differing from Dukcapil, on another KK, or
already a participant are each refused with the next step; a baby may come with the
birth-certificate number before a NIK exists. The segment's rules (who may be added, who pays,
from when) are families' and participants' (`family_member_register`); this module checks
who is asking and what Dukcapil says, then records the registration with its VA and amount."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from core.formatting import mask_number
from core.models import User
from core.nik import validate_nik_matches
from dukcapil_sync.services import new_member_offers_close
from families.models import FamilyCard, FamilyMembership, Relationship
from families.services import family_member_register
from participants.models import Participant, Segment

from ..models import Registration
from ..registry import person_pull
from .new_family import first_payment_amount

# DESIGN.md 4.5: adding a member is for PBPU, BP and PPU families; PBI JK (APBN) families
# register only a newborn (BBL) here; PBI APBD members are added by the regional government.
PBI_APBN = "PBI_APBN"


class MemberAddRefused(DomainError):
    code = "MEMBER_ADD_REFUSED"


@dataclass(frozen=True)
class NewMember:
    nik: str | None
    birth_certificate_number: str
    name: str
    birth_place: str
    birth_date: date
    sex: str
    relationship: str


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _is_baby(member: NewMember, *, on: date) -> bool:
    return member.relationship == Relationship.CHILD and on - member.birth_date <= timedelta(
        days=settings.REGISTRATION_NEWBORN_DAYS
    )


def _check_segment(*, segment: Segment, member: NewMember, on: date) -> None:
    if segment.is_state_paid and not (segment.code == PBI_APBN and _is_baby(member, on=on)):
        raise MemberAddRefused(
            _(
                "PBI members are registered by the government, not in the portal: ask the "
                "Dinas Sosial of your regency/city with your KK and KTP. A newborn of a PBI JK "
                "family can be registered here within %(days)d days of birth."
            )
            % {"days": settings.REGISTRATION_NEWBORN_DAYS},
            code="PBI_ASK_DINAS_SOSIAL",
        )


def _check_registry(*, family: FamilyCard, member: NewMember) -> None:
    assert member.nik
    person = person_pull(nik=member.nik)
    if person is None:
        message = _(
            "Dukcapil does not know this NIK. Check the number on the KTP or KK; if it is "
            "right, update the data at the Dukcapil office first, or ask Care Center 165."
        )
        raise DomainError(message, code="NIK_NOT_FOUND", fields={"nik": [message]})
    if not person.is_alive:
        raise DomainError(_("Dukcapil records this person as deceased."), code="DECEASED")
    differ = []
    if not _same_name(person.name, member.name):
        differ.append(_("name"))
    if person.birth_date != member.birth_date:
        differ.append(_("birth date"))
    if person.sex != member.sex:
        differ.append(_("sex"))
    # The KK's relationship decides what a PPU family may add (parents and parents-in-law at
    # 1%, other relatives not): it is taken as Dukcapil lists it, not as typed.
    if (
        person.kk_number == family.number
        and person.relationship in Relationship.values
        and person.relationship != Relationship.HEAD
        and person.relationship != member.relationship
    ):
        differ.append(_("relationship"))
    if differ:
        message = _(
            "The data differ from Dukcapil (%(fields)s). Enter them as on the KTP/KK; if "
            "Dukcapil's are wrong, correct them at the Dukcapil office, then use Sinkronkan "
            "data keluarga, or visit the branch office with the KK and KTP."
        ) % {"fields": ", ".join(str(d) for d in differ)}
        raise DomainError(message, code="DUKCAPIL_MISMATCH")
    if person.kk_number != family.number:
        message = _(
            "Dukcapil lists this person on another KK. Update the family card at the Dukcapil "
            "office first, then use Sinkronkan data keluarga."
        )
        raise DomainError(message, code="NOT_ON_KK", fields={"nik": [message]})


def family_member_add(*, user: User, member: NewMember, on: date) -> Registration:
    """Add `member` to the family of the signed-in participant `user`."""
    membership = (
        FamilyMembership.objects.select_related("family", "participant")
        .filter(participant__user=user, valid_to__isnull=True)
        .first()
    )
    if membership is None:
        raise DomainError(_("Your account has no family card."), code="NO_FAMILY")
    family = membership.family
    # The segment decides before Dukcapil is asked (PBI families are sent to Dinas Sosial);
    # who else a segment takes (PPU: no other relatives) is families' rule, applied on join.
    current = family.memberships.filter(valid_to__isnull=True).select_related(
        "participant__segment"
    )
    main = next((m for m in current if m.is_main), None) or membership
    segment = main.participant.segment
    _check_segment(segment=segment, member=member, on=on)
    if member.nik:
        try:
            validate_nik_matches(
                member.nik, birth_date=member.birth_date, is_female=member.sex == "P"
            )
        except ValidationError as exc:
            raise ValidationFailed(exc.messages[0], fields={"nik": exc.messages}) from exc
        taken = Participant.objects.filter(nik=member.nik, retired_at__isnull=True).first()
        if taken is not None:
            message = _(
                "This NIK is already registered with JKN (card %(card)s). If the person moved "
                "to your KK, use Sinkronkan data keluarga; otherwise visit the branch office "
                "or call Care Center 165."
            ) % {"card": mask_number(taken.card_number)}
            raise DomainError(message, code="NIK_ALREADY_REGISTERED", fields={"nik": [message]})
        _check_registry(family=family, member=member)
    elif not (member.birth_certificate_number and _is_baby(member, on=on)):
        message = _(
            "Enter the NIK. Only a newborn (up to %(days)d days old) may be registered with "
            "the birth-certificate number before Dukcapil issues a NIK."
        ) % {"days": settings.REGISTRATION_NEWBORN_DAYS}
        raise ValidationFailed(message, fields={"nik": [message]})
    baby = _is_baby(member, on=on)
    with transaction.atomic():
        joined = family_member_register(
            family=family,
            nik=member.nik,
            name=member.name,
            birth_place=member.birth_place,
            birth_date=member.birth_date,
            sex=member.sex,
            relationship=member.relationship,
            on=on,
            actor=user,
            reason=_("Tambah anggota keluarga (portal)"),
            birth_certificate_number=member.birth_certificate_number,
        )
        participant = joined.participant
        # A member the sync panel offered is no longer offered (whether or not the family
        # came through the offer's button).
        new_member_offers_close(family=family, participant=participant, actor=user)
        awaits = participant.paid_through is None and not segment.is_state_paid
        registration = Registration.objects.create(
            kind=Registration.Kind.NEWBORN if baby else Registration.Kind.ADD_MEMBER,
            state=(Registration.State.AWAITING_PAYMENT if awaits else Registration.State.COMPLETED),
            step=Registration.Step.DONE,
            kk_number=family.number,
            branch=family.branch,
            family=family,
            created_by=user,
            data={
                "participant_id": participant.pk,
                "card_number": participant.card_number,
                "name": participant.name,
                "relationship": member.relationship,
                "birth_certificate_number": member.birth_certificate_number,
            },
            virtual_account=family.virtual_account if awaits else "",
            expires_at=timezone.now(),
        )
        if awaits:
            # Bills for the new member now, so the amount shown is what the VA takes.
            first_payment_amount(family, on=on)
    return registration
