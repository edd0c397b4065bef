"""Bulk-load people and KKs into an empty mock registry from a JSON-lines file.

    manage.py registry_load export.jsonl [--replace]

One object per line, either a person
    {"type": "person", "nik": ..., "name": ..., "birth_place": ..., "birth_date": "YYYY-MM-DD",
     "sex": "L"|"P", "address": ..., "is_alive": true, "date_of_death": null}
or a KK
    {"type": "kk", "kk_number": ..., "address": ..., "district_code": ...,
     "valid_from": "YYYY-MM-DD", "members": [[nik, relationship], ...]}

Used by the benchmark to give the registry the same 100000 people as the portal's synthetic
data; demos and tests seed with `registry_event` or the services instead.
"""

import datetime as dt
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dukcapil_sync.registry import services

from ._target import registry_target


def _person(row: dict[str, Any]) -> dict[str, Any]:
    death = row.get("date_of_death")
    return {
        **row,
        "birth_date": dt.date.fromisoformat(row["birth_date"]),
        "date_of_death": dt.date.fromisoformat(death) if death else None,
        "is_alive": not death,
    }


class Command(BaseCommand):
    help = "Bulk-load people and KKs (JSON lines) into the mock registry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--replace", action="store_true", help="empty the registry first")

    def handle(self, *args: Any, **options: Any) -> None:
        target = registry_target()
        persons, families = [], []
        with open(options["path"], encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    kind = row.pop("type")
                    if kind == "person":
                        persons.append(_person(row))
                    elif kind == "kk":
                        row["valid_from"] = dt.date.fromisoformat(row["valid_from"])
                        families.append(row)
                    else:
                        raise ValueError(f"unknown type {kind!r}")
                except (ValueError, KeyError) as error:
                    raise CommandError(f"line {number}: {error}") from error
        if options["replace"]:
            services.registry_reset()
        try:
            counts = services.registry_bulk_load(persons=persons, families=families)
        except services.RegistryError as error:
            raise CommandError(f"{error.message} [{error.code}]") from error
        persons_n, cards_n, memberships_n = counts
        self.stdout.write(
            self.style.SUCCESS(
                f"{target}: loaded {persons_n} persons, {cards_n} KK, {memberships_n} memberships"
            )
        )
