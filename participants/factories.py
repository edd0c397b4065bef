"""Factories for participants (factory-boy, Faker id_ID)."""

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.factories import BranchOfficeFactory, region
from core.nik import make_nik

from .models import Facility, Participant, Segment
from .status import month_index, month_start


def months_ago(n: int, on: date | None = None) -> date:
    """The first day of the month `n` months before the month of `on` (default: today, read
    when called, so tests follow the clock; see tests/clock.py)."""
    return month_start(month_index(on or timezone.localdate()) - n)


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"0{n:07d}")
    name = factory.Sequence(lambda n: f"Puskesmas Uji {n}")
    kind = Facility.Kind.PUSKESMAS
    district = factory.LazyFunction(lambda: region("317401"))
    branch = factory.SubFactory(BranchOfficeFactory)


def _nik(o: "Participant", n: int) -> str:
    return make_nik(
        district_code="317401",
        birth_date=o.birth_date,
        is_female=o.sex == Participant.Sex.FEMALE,
        serial=n % 9999 + 1,
    )


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    card_number = factory.Sequence(lambda n: f"{1_000_000_000_000 + n:013d}")
    name = factory.Faker("name", locale="id_ID")
    birth_place = "Jakarta"
    birth_date = date(1985, 6, 15)
    sex = Participant.Sex.MALE
    nik = factory.LazyAttributeSequence(_nik)
    segment = factory.LazyFunction(lambda: Segment.objects.get(code="PBPU"))
    care_class = 3
    fktp = factory.SubFactory(FacilityFactory)
    branch = factory.SelfAttribute("fktp.branch")
    coverage_start = date(2020, 1, 1)
    # Paid up: this month's iuran paid, whatever day the suite runs on.
    paid_through = factory.LazyFunction(lambda: months_ago(0))
