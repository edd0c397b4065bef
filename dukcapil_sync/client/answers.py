"""What the registry says, as frozen dataclasses: its own JSON never leaves this package."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RegistryPerson:
    nik: str
    name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    address: str
    is_alive: bool
    date_of_death: dt.date | None
    kk_number: str | None
    relationship: str | None
    marital_status: str = ""


@dataclass(frozen=True)
class RegistryMember:
    nik: str
    name: str
    birth_date: dt.date
    sex: str
    relationship: str
    valid_from: dt.date


@dataclass(frozen=True)
class RegistryFamilyCard:
    kk_number: str
    address: str
    district_code: str
    members: tuple[RegistryMember, ...]


@dataclass(frozen=True)
class PersonBatch:
    found: dict[str, RegistryPerson] = field(default_factory=dict)
    not_found: frozenset[str] = frozenset()
    # NIK -> why its record could not be read (kept per record, so one bad row does not
    # fail the others).
    unreadable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FamilyCardBatch:
    found: dict[str, RegistryFamilyCard] = field(default_factory=dict)
    not_found: frozenset[str] = frozenset()
    unreadable: dict[str, str] = field(default_factory=dict)


def _date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date, got {value!r}")
    return dt.date.fromisoformat(value)


def _text(data: dict[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected text, got {value!r}")
    return value


def person_from_json(data: dict[str, Any]) -> RegistryPerson:
    death = data.get("date_of_death")
    return RegistryPerson(
        nik=_text(data, "nik"),
        name=_text(data, "name"),
        birth_place=data.get("birth_place") or "",
        birth_date=_date(data["birth_date"]),
        sex=_text(data, "sex"),
        address=data.get("address") or "",
        is_alive=bool(data["is_alive"]),
        date_of_death=_date(death) if death else None,
        kk_number=data.get("kk_number") or None,
        relationship=data.get("relationship") or None,
        marital_status=data.get("marital_status") or "",
    )


def family_card_from_json(data: dict[str, Any]) -> RegistryFamilyCard:
    return RegistryFamilyCard(
        kk_number=_text(data, "kk_number"),
        address=data.get("address") or "",
        district_code=data.get("district_code") or "",
        members=tuple(
            RegistryMember(
                nik=_text(m, "nik"),
                name=_text(m, "name"),
                birth_date=_date(m["birth_date"]),
                sex=_text(m, "sex"),
                relationship=_text(m, "relationship"),
                valid_from=_date(m["valid_from"]),
            )
            for m in data["members"]
        ),
    )
