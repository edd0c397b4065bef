"""Make the mock registry slow, flaky or down, to watch the portal's sync cope.

manage.py registry_faults --latency-ms 200 --error-rate 0.3
manage.py registry_faults --outage          # every call answers 503
manage.py registry_faults                   # back to normal
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dukcapil_sync.registry import services

from ._target import registry_target


class Command(BaseCommand):
    help = "Set the mock registry's injected latency, error rate and outage switch."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--error-rate", type=float, default=0.0)
        parser.add_argument("--outage", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        target = registry_target()
        try:
            services.registry_set_faults(
                latency_ms=options["latency_ms"],
                error_rate=options["error_rate"],
                outage=options["outage"],
            )
        except services.RegistryError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{target}: latency {options['latency_ms']} ms, "
                f"error rate {options['error_rate']}, outage {options['outage']}"
            )
        )
