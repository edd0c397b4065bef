"""Registration fixtures: the mock registry as a real HTTP process (shared with the sync
tests), a KK in it that is not yet a participant, a branch and FKTP near its district."""

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from core.factories import BranchOfficeFactory, region
from dukcapil_sync.tests import conftest as sync_fixtures
from dukcapil_sync.tests.conftest import Registry, new_nik
from participants.factories import FacilityFactory
from participants.models import Facility

# The sync tests' registry process and its per-test reset, shared here.
registry_process = sync_fixtures.registry_process
registry = sync_fixtures.registry

_kk_serials = itertools.count(1)


@dataclass
class RegistryFamily:
    kk_number: str
    members: list[dict[str, Any]]  # nik, name, birth_date, sex, relationship

    def nik(self, relationship: str, index: int = 0) -> str:
        return [m for m in self.members if m["relationship"] == relationship][index]["nik"]


def put_family(
    registry: Registry, people: list[tuple[str, dt.date, str, str]], *, dead: tuple[str, ...] = ()
) -> RegistryFamily:
    """Seed a KK of district 317405 in the registry: (name, birth date, sex, relationship)."""
    kk = f"317405010120{next(_kk_serials):04d}"
    actions: list[dict[str, Any]] = []
    members = []
    for name, birth, sex, relationship in people:
        nik = new_nik(birth_date=birth, sex=sex)
        actions.append(
            {
                "action": "upsert_person",
                "nik": nik,
                "name": name,
                "birth_place": "JAKARTA",
                "birth_date": birth,
                "sex": sex,
                "address": "JL. MANGGA 5, JAKARTA",
                "is_alive": name not in dead,
                **({"date_of_death": dt.date(2025, 3, 1)} if name in dead else {}),
            }
        )
        members.append(
            {
                "nik": nik,
                "name": name,
                "birth_date": birth,
                "sex": sex,
                "relationship": relationship,
            }
        )
    actions.append(
        {
            "action": "upsert_family",
            "kk_number": kk,
            "address": "JL. MANGGA 5, JAKARTA",
            "district_code": "317405",
            "members": [[m["nik"], m["relationship"]] for m in members],
            "valid_from": dt.date(2020, 1, 1),
        }
    )
    registry.control(*actions)
    return RegistryFamily(kk, members)


FAMILY_OF_THREE = [
    ("SITI AMINAH", dt.date(1986, 4, 2), "P", "PASANGAN"),
    ("BUDI SANTOSO", dt.date(1988, 7, 9), "L", "KEPALA"),
    ("RAKA PUTRA", dt.date(2015, 1, 20), "L", "ANAK"),
]


@dataclass
class Place:
    branch: Any
    near: Facility
    same_regency: Facility
    far: Facility


@pytest.fixture
def place(db: None) -> Place:
    branch = BranchOfficeFactory(code="KC0905", name="KC Jakarta Selatan", regency=region("3174"))
    return Place(
        branch=branch,
        near=FacilityFactory.create(
            name="Puskesmas Kebayoran Lama", district=region("317405"), branch=branch
        ),
        same_regency=FacilityFactory.create(
            name="Klinik Tebet", district=region("317401"), branch=branch
        ),
        far=FacilityFactory.create(name="Puskesmas Bogor", district=region("320101")),
    )


@pytest.fixture
def new_family(registry: Registry, place: Place) -> RegistryFamily:
    return put_family(registry, FAMILY_OF_THREE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The registration throttle counts in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()
