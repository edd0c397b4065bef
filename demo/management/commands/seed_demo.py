"""`manage.py seed_demo [--families N]`: the fixed demo identities, and optionally N synthetic
families for benchmarks. Idempotent. Never run in production: with DJANGO_DEBUG=0 it refuses
unless told --allow-production (a demo installation in the production shape), because it
creates the superuser `admin` and logins whose password the README publishes."""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
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
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed although DJANGO_DEBUG=0 (a demo installation only: published passwords).",
        )
        parser.add_argument(
            "--skip-registry",
            action="store_true",
            help="Do not seed the Dukcapil registry (a benchmark loads its own).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DJANGO_DEBUG=0: this looks like production. seed_demo creates the superuser "
                "'admin' and demo logins with the password published in the README. On a demo "
                "installation only, run it again with --allow-production."
            )
        started = time.monotonic()
        try:
            seed_demo(
                log=lambda line: self.stdout.write(line), skip_registry=options["skip_registry"]
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
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
