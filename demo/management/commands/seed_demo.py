"""`manage.py seed_demo [--families N]`: the fixed demo identities, and optionally N synthetic
families for benchmarks. Idempotent. Never run in production."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo families, staff, facility account and superuser (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families",
            type=int,
            default=0,
            help="Also make sure N synthetic families exist (bulk inserts, for benchmarks).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed for --families.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        seed_demo(log=lambda line: self.stdout.write(line))
        if options["families"]:
            from demo.synthetic import seed_synthetic_families

            def progress(done: int, total: int) -> None:
                self.stdout.write(f"synthetic families: {done}/{total}")

            made = seed_synthetic_families(
                count=options["families"], seed=options["seed"], progress=progress
            )
            self.stdout.write(f"synthetic families created: {made}")
        self.stdout.write(
            self.style.SUCCESS(f"seed_demo done in {time.monotonic() - started:.1f}s")
        )
