"""families' part of the demo: the KK cards and their dated memberships. A family is created
whole (people, card, memberships, first status) or, when its KK already exists, left alone."""

from datetime import date

from core.models import BranchOffice, Region
from families.models import FamilyCard
from families.services import family_card_create, family_members_set
from participants.models import Facility, Segment

from ..identities import demo_families
from .participants import create_family_people, refresh_statuses


def seed_families(
    *,
    today: date,
    branches: dict[str, BranchOffice],
    facilities: dict[str, Facility],
    segments: dict[str, Segment],
) -> int:
    """Creates the demo families that do not exist yet; returns how many it created."""
    created = 0
    for fam in demo_families(today):
        if FamilyCard.objects.filter(number=fam.kk_number).exists():
            continue
        branch = branches[fam.branch]
        card = family_card_create(
            number=fam.kk_number,
            branch=branch,
            district=Region.objects.get(code=fam.kk_number[:6]),
            address=fam.address,
        )
        people = create_family_people(
            family=fam, branch=branch, facilities=facilities, segments=segments
        )
        family_members_set(
            family=card,
            members=[(p, m.relationship) for p, m in zip(people, fam.members, strict=True)],
            valid_from=date(2018, 1, 1),
        )
        refresh_statuses(people=people)
        created += 1
    return created
