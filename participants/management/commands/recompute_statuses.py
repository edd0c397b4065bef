from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from participants.tasks import recompute_all_statuses_run


class Command(BaseCommand):
    help = "Re-derive every participant's status now (what the nightly job does), with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        run = recompute_all_statuses_run(chunk_size=options["chunk_size"])
        self.stdout.write(
            f"status_recompute #{run.pk}: {run.state}, {run.done}/{run.total} participants, "
            f"{run.changed} status changes"
        )
