"""seed_demo puts the README's "Register a new family" KKs in the mock registry, and none of
their people is a participant; running it twice changes nothing."""

import pytest

from demo.newcomers import NEWCOMER_FAMILIES
from demo.seed import seed_demo
from dukcapil_sync.registry.models import Person
from dukcapil_sync.registry.models import RegistryFamilyCard as RegistryCard
from families.models import FamilyCard
from participants.models import Participant

pytestmark = pytest.mark.django_db


def test_the_demo_registry_holds_kks_not_yet_registered():
    seed_demo(log=lambda _m: None)
    seed_demo(log=lambda _m: None)
    numbers = [f.kk_number for f in NEWCOMER_FAMILIES]
    assert numbers[0] == "3174010202260001"  # the README's walk-through
    assert RegistryCard.objects.filter(kk_number__in=numbers).count() == 3
    niks = [nik for f in NEWCOMER_FAMILIES for nik, _m in f.people()]
    assert Person.objects.filter(nik__in=niks).count() == 8
    assert not FamilyCard.objects.filter(number__in=numbers).exists()
    assert not Participant.objects.filter(nik__in=niks).exists()
    mother_nik = NEWCOMER_FAMILIES[1].people()[2][0]
    assert Person.objects.get(nik=mother_nik).is_alive is False
