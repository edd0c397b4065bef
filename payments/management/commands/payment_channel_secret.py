from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from payments.models import PaymentChannel
from payments.services.notifications import channel_secret


class Command(BaseCommand):
    help = "Print a payment channel's HMAC secret (to give to the channel, or to try the API)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="channel code, e.g. BANK_DEMO")

    def handle(self, *args: Any, **options: Any) -> None:
        channel = PaymentChannel.objects.filter(code=options["code"]).first()
        if channel is None or not channel_secret(channel):
            raise CommandError(f"no channel {options['code']!r} with a secret")
        self.stdout.write(channel_secret(channel))
