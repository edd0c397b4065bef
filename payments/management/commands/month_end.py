from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from payments.jobs import month_end_run, previous_month

from ._progress import printer, summary


class Command(BaseCommand):
    help = (
        "Members of families that left a month unpaid become TIDAK AKTIF (what the job on the "
        "1st does), with progress."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM that ended (default: last month)")
        parser.add_argument("--chunk-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = (
                date.fromisoformat(f"{options['month']}-01")
                if options["month"]
                else previous_month(timezone.localdate())
            )
        except ValueError as exc:
            raise CommandError("--month must be YYYY-MM") from exc
        run = month_end_run(
            month=month,
            chunk_size=options["chunk_size"],
            progress=printer(self.stdout, "families"),
        )
        self.stdout.write(summary(run, "families", "status changes"))
