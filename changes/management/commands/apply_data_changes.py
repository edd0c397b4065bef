"""Run the periodic job by hand: apply every scheduled data change due by a day."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date

from changes.services import scheduled_changes_apply


class Command(BaseCommand):
    help = "Apply the scheduled data changes (FKTP, class) due by --date (default today)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="YYYY-MM-DD; default today")

    def handle(self, *args: Any, **options: Any) -> None:
        on = parse_date(options["date"]) if options["date"] else timezone.localdate()
        if on is None:
            self.stderr.write("--date must be YYYY-MM-DD")
            raise SystemExit(2)
        run = scheduled_changes_apply(on=on)
        self.stdout.write(f"data changes applied: {run.done} of {run.total} due by {on}")
