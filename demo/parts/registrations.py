"""registrations' part of the demo: KKs in the mock registry whose families are not yet
participants, for the "Register a new family" walk-through (README)."""

from collections.abc import Callable
from datetime import date

from dukcapil_sync.registry import services as registry

from ..newcomers import NEWCOMER_FAMILIES


def seed_registry_newcomers(*, log: Callable[[str], None]) -> None:
    for family in NEWCOMER_FAMILIES:
        listed = []
        for nik, m in family.people():
            registry.registry_upsert_person(
                nik=nik,
                name=m.name,
                birth_place="JAKARTA" if family.district.startswith("31") else "BOGOR",
                birth_date=m.birth,
                sex=m.sex,
                address=family.address,
                is_alive=m.date_of_death is None,
                date_of_death=m.date_of_death,
            )
            listed.append((nik, m.relationship))
        registry.registry_upsert_family(
            kk_number=family.kk_number,
            address=family.address,
            district_code=family.district,
            members=listed,
            valid_from=date(2020, 1, 1),
        )
    log(f"registry: {len(NEWCOMER_FAMILIES)} KK not yet registered (Register a new family)")
