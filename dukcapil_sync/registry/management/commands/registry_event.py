"""Apply a life event to the mock registry, for demos and manual tests of the sync.

    manage.py registry_event death --nik 3171014501900001 --date 2026-11-01
    manage.py registry_event birth --kk 3171010101200001 --nik ... --name "Budi" \\
        --birth-date 2026-10-02 --sex L --birth-place Jakarta
    manage.py registry_event move --nik ... --to-kk ... --on 2026-11-01 [--relationship ANAK]
    manage.py registry_event correct-name --nik ... --name "Siti Aminah"
    manage.py registry_event split-kk --from-kk ... --new-kk ... --nik A --nik B --on 2026-11-01
"""

import datetime as dt
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dukcapil_sync.registry import services
from dukcapil_sync.registry.models import Relationship, Sex

from ._target import registry_target


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


class Command(BaseCommand):
    help = "Apply a life event (birth, death, move, correct-name, split-kk) to the mock registry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        events = parser.add_subparsers(dest="event", required=True, metavar="EVENT")

        birth = events.add_parser("birth", help="register a newborn on a KK")
        birth.add_argument("--kk", required=True)
        birth.add_argument("--nik", required=True)
        birth.add_argument("--name", required=True)
        birth.add_argument("--birth-date", required=True, type=iso_date)
        birth.add_argument("--sex", required=True, choices=Sex.values)
        birth.add_argument("--birth-place", required=True)

        death = events.add_parser("death", help="mark a person deceased")
        death.add_argument("--nik", required=True)
        death.add_argument("--date", required=True, type=iso_date)

        move = events.add_parser("move", help="move a person to another KK")
        move.add_argument("--nik", required=True)
        move.add_argument("--to-kk", required=True)
        move.add_argument("--on", required=True, type=iso_date)
        move.add_argument("--relationship", default=Relationship.OTHER, choices=Relationship.values)

        correct = events.add_parser("correct-name", help="correct a person's name")
        correct.add_argument("--nik", required=True)
        correct.add_argument("--name", required=True)

        split = events.add_parser("split-kk", help="issue a new KK for some members")
        split.add_argument("--from-kk", required=True)
        split.add_argument("--new-kk", required=True)
        split.add_argument(
            "--nik",
            required=True,
            action="append",
            dest="niks",
            help="repeat for each member; the first heads the new KK",
        )
        split.add_argument("--on", required=True, type=iso_date)

    def handle(self, *args: Any, **options: Any) -> None:
        target = registry_target()
        event = options["event"]
        try:
            if event == "birth":
                person = services.registry_birth(
                    kk_number=options["kk"],
                    nik=options["nik"],
                    name=options["name"],
                    birth_date=options["birth_date"],
                    sex=options["sex"],
                    birth_place=options["birth_place"],
                )
                message = f"Born: {person.nik} {person.name} on KK {options['kk']}"
            elif event == "death":
                person = services.registry_death(nik=options["nik"], date=options["date"])
                message = f"Deceased: {person.nik} {person.name} on {person.date_of_death}"
            elif event == "move":
                membership = services.registry_move(
                    nik=options["nik"],
                    to_kk_number=options["to_kk"],
                    on=options["on"],
                    relationship=options["relationship"],
                )
                message = (
                    f"Moved: {membership.person_id} to KK {options['to_kk']} on {options['on']}"
                )
            elif event == "correct-name":
                person = services.registry_correct_name(nik=options["nik"], name=options["name"])
                message = f"Renamed: {person.nik} is now {person.name}"
            else:
                card = services.registry_split_kk(
                    from_kk=options["from_kk"],
                    new_kk=options["new_kk"],
                    niks=options["niks"],
                    on=options["on"],
                )
                message = f"Split: KK {card.kk_number} issued for {', '.join(options['niks'])}"
        except services.RegistryError as error:
            raise CommandError(f"{event}: {error.message} [{error.code}]") from error
        self.stdout.write(self.style.SUCCESS(f"{target}: {message}"))
