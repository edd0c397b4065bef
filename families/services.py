"""Writes to family cards and membership."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.errors import DomainError, ValidationFailed
from core.models import BranchOffice, Region, User
from core.nik import validate_kk_number
from participants.models import Participant, Segment
from participants.services import participant_register

from .models import FamilyCard, FamilyMembership, Relationship


def family_virtual_account(*, kk_number: str) -> str:
    # Assumption (DESIGN.md 4.4 names a VA, not its format): prefix + the KK's last 11 digits.
    return f"{settings.VA_PREFIX}{kk_number[-11:]}"


def family_card_create(
    *, number: str, branch: BranchOffice, district: Region, address: str
) -> FamilyCard:
    try:
        validate_kk_number(number)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={"number": exc.messages}) from exc
    return FamilyCard.objects.create(
        number=number,
        branch=branch,
        district=district,
        address=address,
        virtual_account=family_virtual_account(kk_number=number),
    )


def family_address_set(
    *, family: FamilyCard, address: str, actor: User | None, reason: str
) -> FamilyCard:
    """The family card's address, audited (staff accept the registry's, DESIGN.md 4.8)."""
    with transaction.atomic():
        locked = FamilyCard.objects.select_for_update().get(pk=family.pk)
        locked.address = address[:255]
        locked._change_reason = reason[:100]  # type: ignore[attr-defined]
        locked._history_user = actor  # type: ignore[attr-defined]
        locked.save(update_fields=["address"])
    return locked


_MAIN_PRIORITY = {
    Relationship.HEAD: 0,
    Relationship.SPOUSE: 1,
    Relationship.CHILD: 2,
    Relationship.PARENT: 3,
    Relationship.PARENT_IN_LAW: 3,
    Relationship.OTHER: 3,
}


def _alive(participant: Participant, on: date | None) -> bool:
    death = participant.date_of_death
    return death is None or (on is not None and death > on)


def main_participant_choose(
    *, members: list[tuple[Participant, str]], on: date | None = None
) -> Participant:
    """DESIGN.md 4.5: head of family, then spouse, then eldest child, then eldest relative;
    the dead are passed over (the next by priority becomes main). With nobody alive, the
    first by priority stays (the family has no one else to hold the account)."""
    if not members:
        raise DomainError("A family needs at least one member.", code="EMPTY_FAMILY")
    living = [(p, r) for p, r in members if _alive(p, on)] or members
    return min(living, key=lambda pr: (_MAIN_PRIORITY[Relationship(pr[1])], pr[0].birth_date))[0]


def family_members_set(
    *, family: FamilyCard, members: list[tuple[Participant, str]], valid_from: date
) -> list[FamilyMembership]:
    """Register a whole family at once (PBPU registers everyone on the KK together)."""
    main = main_participant_choose(members=members)
    with transaction.atomic():
        return bulk_create_with_history(
            [
                FamilyMembership(
                    family=family,
                    participant=p,
                    relationship=rel,
                    is_main=p.pk == main.pk,
                    valid_from=valid_from,
                )
                for p, rel in members
            ],
            FamilyMembership,
        )


# --- Membership changes that follow the Dukcapil registry (called by dukcapil_sync) ---------


def _current_membership(participant: Participant) -> FamilyMembership | None:
    return (
        FamilyMembership.objects.select_for_update()
        .filter(participant=participant, valid_to__isnull=True)
        .first()
    )


def _end_membership(membership: FamilyMembership, *, on: date, reason: str, actor: User | None):
    # The last day in the old family is the day before the change (at least its first day).
    membership.valid_to = max(membership.valid_from, on - timedelta(days=1))
    was_main = membership.is_main
    membership.is_main = False
    membership._change_reason = reason[:100]  # type: ignore[attr-defined]
    membership._history_user = actor  # type: ignore[attr-defined]
    membership.save()
    if was_main:
        _choose_new_main(family=membership.family, reason=reason, actor=actor)


def _choose_new_main(
    *, family: FamilyCard, reason: str, actor: User | None, on: date | None = None
) -> FamilyMembership | None:
    """Give the family the main participant the priority names among its living members;
    returns the membership that became main, or None if it did not change."""
    remaining = list(
        FamilyMembership.objects.select_for_update()
        .select_related("participant")
        .filter(family=family, valid_to__isnull=True)
        .order_by("pk")
    )
    if not remaining:
        return None
    main = main_participant_choose(
        members=[(m.participant, m.relationship) for m in remaining], on=on
    )
    chosen = next(m for m in remaining if m.participant_id == main.pk)
    if chosen.is_main:
        return None
    for m in remaining:
        if m.is_main:  # one current main per family (a database constraint): step down first
            m.is_main = False
            m._change_reason = reason[:100]  # type: ignore[attr-defined]
            m._history_user = actor  # type: ignore[attr-defined]
            m.save()
    chosen.is_main = True
    chosen._change_reason = reason[:100]  # type: ignore[attr-defined]
    chosen._history_user = actor  # type: ignore[attr-defined]
    chosen.save()
    return chosen


def family_main_after_death(
    *, participant: Participant, on: date, actor: User | None, reason: str
) -> FamilyMembership | None:
    """DESIGN.md 4.5: when the main participant dies, the next living member by priority
    becomes main (new members then follow their segment and FKTP). Called by whoever records
    a death (the Dukcapil sync, a staff decision); harmless for anyone else."""
    with transaction.atomic():
        current = _current_membership(participant)
        if current is None or not current.is_main:
            return None
        return _choose_new_main(family=current.family, reason=reason, actor=actor, on=on)


def _join(
    *,
    family: FamilyCard,
    participant: Participant,
    relationship: str,
    on: date,
    reason: str,
    actor: User | None,
) -> FamilyMembership:
    current = FamilyMembership.objects.select_for_update().filter(
        family=family, valid_to__isnull=True
    )
    # One current head per KK: if ours still lists another head, the newcomer joins as an
    # other relative until that head's own difference is settled.
    if (
        relationship == Relationship.HEAD
        and current.filter(relationship=Relationship.HEAD).exists()
    ):
        relationship = Relationship.OTHER
    membership = FamilyMembership(
        family=family,
        participant=participant,
        relationship=relationship,
        is_main=not current.filter(is_main=True).exists(),
        valid_from=on,
    )
    membership._change_reason = reason[:100]  # type: ignore[attr-defined]
    membership._history_user = actor  # type: ignore[attr-defined]
    membership.save()
    return membership


def family_member_move(
    *,
    participant: Participant,
    to_number: str,
    relationship: str,
    address: str,
    district_code: str,
    on: date,
    actor: User | None,
    reason: str,
) -> FamilyMembership:
    """Move a participant to the KK the registry lists them on: the old membership ends, a
    new one starts (the KK is created from the registry's data if we do not have it yet)."""
    with transaction.atomic():
        current = _current_membership(participant)
        if current is not None and current.family.number == to_number:
            raise DomainError(_("Already a member of this KK."), code="ALREADY_MEMBER")
        family = FamilyCard.objects.filter(number=to_number).first()
        if family is None:
            district = Region.objects.filter(
                code=district_code, level=Region.Level.DISTRICT
            ).first()
            if district is None and current is not None:
                district = current.family.district
            if district is None:
                raise DomainError(_("The new KK's district is unknown."), code="UNKNOWN_DISTRICT")
            family = family_card_create(
                number=to_number,
                branch=participant.branch,
                district=district,
                address=address[:255] or (current.family.address if current else "-"),
            )
        if current is not None:
            _end_membership(current, on=on, reason=reason, actor=actor)
        return _join(
            family=family,
            participant=participant,
            relationship=relationship,
            on=on,
            reason=reason,
            actor=actor,
        )


def family_member_leave(
    *, participant: Participant, on: date, actor: User | None, reason: str
) -> None:
    """End a participant's current membership (a retired duplicate leaves its family)."""
    with transaction.atomic():
        current = _current_membership(participant)
        if current is not None:
            _end_membership(current, on=on, reason=reason, actor=actor)


class MemberRefused(DomainError):
    """A person the family's segment cannot take as a member, with the reason."""


def family_member_register(
    *,
    family: FamilyCard,
    nik: str | None,
    name: str,
    birth_place: str,
    birth_date: date,
    sex: str,
    relationship: str,
    on: date,
    actor: User | None,
    reason: str,
    birth_certificate_number: str = "",
) -> FamilyMembership:
    """Register a new member of a family (a newborn or another member Dukcapil lists on the
    KK). Segment, class and FKTP follow the living main participant (DESIGN.md 4.5).

    What the new member owes starts with them, never with the head's paid-through month
    (DESIGN.md 4.4, 4.5): a newborn (a child born while the family was covered) is covered
    from birth once the iuran from the month of birth is paid, however late the
    registration (Perpres 82/2018 Pasal 16); anyone else paying themselves is covered from the
    first payment. The state pays PBI members from the start; a PPU family member is covered
    with the worker, as far as the worker has paid. A PPU family takes no other relatives
    (they register as PBPU)."""
    with transaction.atomic():
        _choose_new_main(family=family, reason=reason, actor=actor, on=on)
        main = (
            FamilyMembership.objects.select_related("participant__segment")
            .filter(family=family, valid_to__isnull=True, is_main=True)
            .first()
        )
        if main is None:
            raise DomainError(_("The family has no main participant."), code="NO_MAIN_PARTICIPANT")
        head = main.participant
        payer = head.segment.payer
        if payer == Segment.Payer.EMPLOYER and relationship == Relationship.OTHER:
            raise MemberRefused(
                _(
                    "A PPU family takes only the spouse, children, parents and parents-in-law; "
                    "other relatives register as PBPU (Mandiri) participants."
                ),
                code="PPU_NOT_DEPENDANT",
            )
        newborn = relationship == Relationship.CHILD and birth_date >= head.coverage_start
        coverage_start = birth_date if newborn else on
        paid_through = None
        if payer == Segment.Payer.EMPLOYER:
            paid_through = head.paid_through
        participant = participant_register(
            nik=nik,
            name=name,
            birth_place=birth_place,
            birth_date=birth_date,
            sex=sex,
            segment_id=head.segment_id,
            care_class=head.care_class,
            fktp_id=head.fktp_id,
            branch_id=family.branch_id,
            coverage_start=max(coverage_start, birth_date),
            paid_through=paid_through,
            actor=actor,
            reason=reason,
            birth_certificate_number=birth_certificate_number,
        )
        return _join(
            family=family,
            participant=participant,
            relationship=relationship,
            on=coverage_start,
            reason=reason,
            actor=actor,
        )
