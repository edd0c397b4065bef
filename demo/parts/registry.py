"""The mock Dukcapil registry's part of the demo: it holds the same people, except the
deliberate mismatches. On the embedded default it shares this database; in production it runs
as its own service and seeds itself."""

from collections.abc import Callable
from datetime import date

from dukcapil_sync.registry import services as registry

from ..identities import demo_families


def seed_registry(*, today: date, log: Callable[[str], None]) -> None:
    count = 0
    for fam in demo_families(today):
        listed = []
        for m in fam.members:
            if not m.nik or not m.in_registry:
                continue
            death = m.facts.get("date_of_death")
            registry.registry_upsert_person(
                nik=m.nik,
                name=(m.registry_name or m.name).upper(),
                birth_place="JAKARTA" if fam.branch == "KC0901" else "BOGOR",
                birth_date=m.birth,
                sex=m.sex,
                address=fam.address.upper(),
                is_alive=death is None,
                date_of_death=death,
            )
            listed.append((m.nik, str(m.relationship)))
            count += 1
        registry.registry_upsert_family(
            kk_number=fam.kk_number,
            address=fam.address.upper(),
            district_code=fam.kk_number[:6],
            members=listed,
            valid_from=date(2018, 1, 1),
        )
    log(f"registry: {count} people on {len(demo_families(today))} KK")
