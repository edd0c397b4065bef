"""`manage.py seed_synthetic --families N [--seed S]`: make sure N synthetic families exist
(demo and benchmark data only; see demo.synthetic). Needs the FKTP facilities that
`seed_demo` creates."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from demo.synthetic import seed_synthetic_families, synthetic_family_count

PROGRESS_EVERY = 10_000


class Command(BaseCommand):
    help = "Create synthetic families (bulk inserts) up to --families N. Never in production."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families", type=int, required=True, help="How many synthetic families should exist."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted: int = options["families"]
        if wanted < 0:
            raise CommandError("--families must be 0 or more.")
        existing = synthetic_family_count()
        self.stdout.write(f"synthetic families: {existing} exist, {wanted} wanted")
        started = time.perf_counter()
        last_reported = 0

        def progress(done: int, total: int) -> None:
            nonlocal last_reported
            if done - last_reported >= PROGRESS_EVERY or done == total:
                last_reported = done
                elapsed = time.perf_counter() - started
                self.stdout.write(
                    f"  {done}/{total} families, {done / elapsed:.0f} families/s, {elapsed:.1f}s"
                )

        try:
            created = seed_synthetic_families(count=wanted, seed=options["seed"], progress=progress)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"created {created} synthetic families in {elapsed:.1f}s")
        )
