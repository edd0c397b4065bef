"""Factories for core reference data and accounts (factory-boy)."""

import factory
from factory.django import DjangoModelFactory

from .models import BranchOffice, Region, User

DEMO_PASSWORD = "Jkn-demo-2026"  # noqa: S105 - documented demo password, seeded data only


def region(code: str) -> Region:
    """Regions are shipped data (migration core.0002): look them up, never invent them."""
    return Region.objects.get(code=code)


class BranchOfficeFactory(DjangoModelFactory):
    class Meta:
        model = BranchOffice
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"KC{n:04d}")
    name = factory.Sequence(lambda n: f"Kantor Cabang Uji {n}")
    regency = factory.LazyFunction(lambda: region("3174"))


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.PARTICIPANT
    password = factory.PostGenerationMethodCall("set_password", DEMO_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class StaffUserFactory(UserFactory):
    role = User.Role.STAFF
    is_staff = True
    branch = factory.SubFactory(BranchOfficeFactory)


class FacilityUserFactory(UserFactory):
    role = User.Role.FACILITY
