"""Factories for family cards and membership."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from core.factories import BranchOfficeFactory, region
from participants.factories import ParticipantFactory

from .models import FamilyCard, FamilyMembership, Relationship
from .services import family_virtual_account


class FamilyCardFactory(DjangoModelFactory):
    class Meta:
        model = FamilyCard

    number = factory.Sequence(lambda n: f"317401010120{n:04d}")
    branch = factory.SubFactory(BranchOfficeFactory)
    district = factory.LazyFunction(lambda: region("317401"))
    address = factory.Faker("street_address", locale="id_ID")
    virtual_account = factory.LazyAttribute(lambda o: family_virtual_account(kk_number=o.number))


class FamilyMembershipFactory(DjangoModelFactory):
    class Meta:
        model = FamilyMembership

    family = factory.SubFactory(FamilyCardFactory)
    participant = factory.SubFactory(
        ParticipantFactory, branch=factory.SelfAttribute("..family.branch")
    )
    relationship = Relationship.CHILD
    is_main = False
    valid_from = date(2020, 1, 1)


def family_with_members(*, size: int, branch=None, **participant_kwargs) -> FamilyCard:
    """A family of `size` current members: a head (main participant) then children."""
    family: FamilyCard = FamilyCardFactory.create(**({"branch": branch} if branch else {}))
    for i in range(size):
        FamilyMembershipFactory(
            family=family,
            participant=ParticipantFactory(
                branch=family.branch, fktp__branch=family.branch, **participant_kwargs
            ),
            relationship=Relationship.HEAD if i == 0 else Relationship.CHILD,
            is_main=i == 0,
        )
    return family
