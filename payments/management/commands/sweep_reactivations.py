from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from payments.jobs import reactivations_sweep_run

from ._progress import printer, summary


class Command(BaseCommand):
    help = "Apply reactivations still pending (what the sweep every minute does), with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than", type=float, default=0, help="seconds pending (default 0: all)"
        )
        parser.add_argument("--chunk-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        run = reactivations_sweep_run(
            older_than_seconds=options["older_than"],
            chunk_size=options["chunk_size"],
            progress=printer(self.stdout, "reactivations"),
        )
        self.stdout.write(summary(run, "reactivations", "status changes"))
