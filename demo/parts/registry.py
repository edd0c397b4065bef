"""The mock Dukcapil registry's part of the demo: it holds the same people, except the
deliberate mismatches.

It goes to the registry the sync reads. Embedded (the default of `make run`): the registry's
tables in this database, through the registry's services. As its own service
(REGISTRY_EMBEDDED=0, the production shape): over its HTTP API, the control endpoint that the
service opens only with REGISTRY_CONTROL_KEY (demos), with the same key in
DUKCAPIL_CONTROL_KEY here. Either way the log line names the registry that changed."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection

from core.errors import DomainError
from dukcapil_sync.client import RegistryClient, RegistryError

from ..identities import demo_families

Action = dict[str, Any]


class RegistryNotSeeded(DomainError):
    code = "REGISTRY_NOT_SEEDED"


def registry_actions(*, today: date) -> list[Action]:
    """The demo people and KKs as the registry's seed actions (upserts: safe to repeat)."""
    actions: list[Action] = []
    for fam in demo_families(today):
        listed = []
        for m in fam.members:
            if not m.nik or not m.in_registry:
                continue
            death = m.facts.get("date_of_death")
            actions.append(
                {
                    "action": "upsert_person",
                    "nik": m.nik,
                    "name": (m.registry_name or m.name).upper(),
                    "birth_place": "JAKARTA" if fam.branch == "KC0901" else "BOGOR",
                    "birth_date": m.birth,
                    "sex": m.sex,
                    "address": fam.address.upper(),
                    "is_alive": death is None,
                    "date_of_death": death,
                }
            )
            listed.append((m.nik, str(m.relationship)))
        actions.append(
            {
                "action": "upsert_family",
                "kk_number": fam.kk_number,
                "address": fam.address.upper(),
                "district_code": fam.kk_number[:6],
                "members": listed,
                "valid_from": date(2018, 1, 1),
            }
        )
    return actions


def _jsonable(action: Action) -> Action:
    return {
        key: value.isoformat()
        if isinstance(value, date)
        else [list(v) for v in value]
        if key == "members"
        else value
        for key, value in action.items()
    }


def _apply_embedded(actions: list[Action]) -> None:
    from dukcapil_sync.registry import services as registry

    functions: dict[str, Callable[..., object]] = {
        "upsert_person": registry.registry_upsert_person,
        "upsert_family": registry.registry_upsert_family,
    }
    for action in actions:
        arguments = {k: v for k, v in action.items() if k != "action"}
        functions[action["action"]](**arguments)


def seed_registry(*, today: date, log: Callable[[str], None]) -> None:
    actions = registry_actions(today=today)
    people = sum(a["action"] == "upsert_person" for a in actions)
    cards = len(actions) - people
    if settings.REGISTRY_EMBEDDED:
        _apply_embedded(actions)
        where = f"embedded in this portal (database {connection.settings_dict['NAME']})"
        log(f"registry {where}: {people} people on {cards} KK")
        return
    if not settings.DUKCAPIL_CONTROL_KEY:
        raise RegistryNotSeeded(
            f"The registry is the service at {settings.DUKCAPIL_URL} (REGISTRY_EMBEDDED=0): "
            "set REGISTRY_CONTROL_KEY on it and the same DUKCAPIL_CONTROL_KEY here to seed it, "
            "or pass --skip-registry (the first sync then holds every demo member)."
        )
    try:
        with RegistryClient(retries=1) as client:
            client.control(
                [_jsonable(a) for a in actions], control_key=settings.DUKCAPIL_CONTROL_KEY
            )
    except RegistryError as error:
        raise RegistryNotSeeded(f"registry at {settings.DUKCAPIL_URL}: {error}") from error
    log(f"registry at {settings.DUKCAPIL_URL}: {people} people on {cards} KK (over its API)")
