"""Run the Dukcapil sync by hand, with its progress.

    manage.py dukcapil_sync                 # full sync: resumes an unfinished run, else starts one
    manage.py dukcapil_sync --chunk-size 500 --limit 100000
    manage.py dukcapil_sync --family 3174011503100001
    manage.py dukcapil_sync --nik 3174010101800001
    manage.py dukcapil_sync --status        # the latest runs and why records failed
    manage.py dukcapil_sync --start-only    # create (or find) the run and exit: workers share it
    manage.py dukcapil_sync --enqueue       # hand the full sync to the workers (as beat does)

Exit status 0 when the run finished, 3 when it stopped (registry unavailable; run again to
resume), 1 on a usage error.
"""

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.observability import operator_time
from families.models import FamilyCard
from participants.models import Participant

from ...models import SyncChunk, SyncRecordError, SyncRun
from ...services import family_sync, full_sync_start, full_sync_work, participant_sync
from ...services.runs import RegistryUnavailableError, held_chunks_note

EXIT_STOPPED = 3
# While other workers hold the last chunks, a line at least this often.
WAIT_NOTE_SECONDS = 10.0


class Command(BaseCommand):
    help = "Compare participants with the Dukcapil registry (full, one family, or one person)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--family", metavar="KK", help="sync one family card")
        target.add_argument("--nik", help="sync one participant")
        target.add_argument("--status", action="store_true", help="show recent runs")
        parser.add_argument("--chunk-size", type=int, help="participants per chunk (new run)")
        parser.add_argument("--limit", type=int, help="only the first N participants (new run)")
        parser.add_argument("--start-only", action="store_true", help="create the run, exit")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the full sync to the Celery workers and exit (follow it with --status)",
        )
        parser.add_argument("--max-chunks", type=int, help="stop after N chunks (testing)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["status"]:
            self._status()
            return
        try:
            if options["family"]:
                family = FamilyCard.objects.filter(number=options["family"]).first()
                if family is None:
                    raise CommandError(f"no family card {options['family']}")
                self._report(family_sync(family=family, trigger=SyncRun.Trigger.OPERATOR))
                return
            if options["nik"]:
                participant = Participant.objects.filter(
                    nik=options["nik"], retired_at__isnull=True
                ).first()
                if participant is None:
                    raise CommandError(f"no live participant with NIK {options['nik']}")
                self._report(
                    participant_sync(participant=participant, trigger=SyncRun.Trigger.OPERATOR)
                )
                return
        except RegistryUnavailableError as error:
            raise CommandError(str(error.message)) from error

        if options["enqueue"]:
            self._enqueue()
            return

        run, created = full_sync_start(
            trigger=SyncRun.Trigger.OPERATOR,
            chunk_size=options["chunk_size"],
            limit=options["limit"],
        )
        verb = "started" if created else "resuming"
        self.stdout.write(
            f"full sync #{run.pk} {verb}: {run.done}/{run.total} participants done, "
            f"{run.chunks_done}/{run.chunks_total} chunks"
        )
        if options["start_only"]:
            return
        summary = full_sync_work(run=run, log=self.stdout.write, max_chunks=options["max_chunks"])
        while summary.leased_for_seconds is not None and options["max_chunks"] is None:
            # Other workers hold chunks: wait, saying for what, until they finish or their
            # lease runs out (a dead worker's chunk is then taken over here).
            self.stdout.write(held_chunks_note(run=run))
            time.sleep(min(summary.leased_for_seconds + 1, WAIT_NOTE_SECONDS))
            summary = full_sync_work(run=run, log=self.stdout.write)
        self._report(run)
        if summary.stopped:
            sys.exit(EXIT_STOPPED)

    def _enqueue(self) -> None:
        from django.conf import settings

        from ...tasks import sync_full

        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("no CELERY_BROKER_URL: there are no workers; run it here instead")
        result = sync_full.delay(SyncRun.Trigger.OPERATOR)
        self.stdout.write(
            f"full sync handed to the workers (task {result.id}); "
            "follow it with: manage.py dukcapil_sync --status"
        )

    def _report(self, run: SyncRun) -> None:
        run.refresh_from_db()
        style = self.style.SUCCESS if run.state == SyncRun.State.DONE else self.style.WARNING
        self.stdout.write(
            style(
                f"{run.kind} sync #{run.pk} {run.state}: {run.done}/{run.total} "
                f"participants, {run.differences} new differences ({run.applied} applied "
                f"automatically), {run.errors} records failed, "
                f"chunks {run.chunks_done}/{run.chunks_total} ({run.chunks_failed} failed)"
            )
        )
        if run.report:
            self.stdout.write(run.report.rstrip())
        for chunk in SyncChunk.objects.filter(run=run).exclude(last_error=""):
            self.stdout.write(f"  chunk {chunk.index} ({chunk.state}): {chunk.last_error}")
        for error in SyncRecordError.objects.filter(run=run).select_related("participant")[:20]:
            who = error.participant.card_number if error.participant else "-"
            self.stdout.write(f"  record {who}: {error.code}: {error.message}")

    def _status(self) -> None:
        runs = SyncRun.objects.all()[:10]
        if not runs:
            self.stdout.write("no sync runs yet")
        for run in runs:
            self.stdout.write(
                f"#{run.pk} {run.kind:6} {run.state:8} "
                f"{operator_time(run.started_at)} {run.done}/{run.total} "
                f"differences {run.differences} applied {run.applied} errors {run.errors}"
            )
