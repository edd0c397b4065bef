from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from payments.jobs import billing_run

from ._progress import printer, summary


class Command(BaseCommand):
    help = "Make the month's bills (what the job on the 1st does), with progress. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: this month)")
        parser.add_argument("--chunk-size", type=int, default=None)
        parser.add_argument("--quiet-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                date.fromisoformat(f"{options['month']}-01")
                if options["month"]
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError("--month must be YYYY-MM") from exc
        run = billing_run(
            month=month,
            chunk_size=options["chunk_size"],
            progress=None if options["quiet_progress"] else printer(self.stdout, "families"),
        )
        self.stdout.write(summary(run, "families", "bills created"))
