"""Writes to family cards and membership."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.errors import DomainError, ValidationFailed
from core.models import BranchOffice, Region
from core.nik import validate_kk_number
from participants.models import Participant

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


_MAIN_PRIORITY = {
    Relationship.HEAD: 0,
    Relationship.SPOUSE: 1,
    Relationship.CHILD: 2,
    Relationship.OTHER: 3,
}


def main_participant_choose(*, members: list[tuple[Participant, str]]) -> Participant:
    """DESIGN.md 4.5: head of family, then spouse, then eldest child, then eldest relative."""
    if not members:
        raise DomainError("A family needs at least one member.", code="EMPTY_FAMILY")
    return min(members, key=lambda pr: (_MAIN_PRIORITY[Relationship(pr[1])], pr[0].birth_date))[0]


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
