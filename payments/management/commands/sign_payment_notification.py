import json
import time
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from payments.models import PaymentChannel
from payments.services import sign
from payments.services.notifications import channel_secret


class Command(BaseCommand):
    help = (
        "Print a curl command that sends a signed payment notification, as a bank would "
        "(for trying the API; valid for 5 minutes)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--channel", default="BANK_DEMO")
        parser.add_argument("--va", required=True, help="16-digit virtual account")
        parser.add_argument("--amount", type=int, required=True, help="whole rupiah")
        parser.add_argument("--transaction-id", default=None)
        parser.add_argument("--url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        channel = PaymentChannel.objects.filter(code=options["channel"]).first()
        if channel is None or not channel_secret(channel):
            raise CommandError(f"no channel {options['channel']!r} with a secret")
        body = json.dumps(
            {
                "transaction_id": options["transaction_id"] or f"DEMO-{uuid.uuid4().hex[:12]}",
                "virtual_account": options["va"],
                "amount": options["amount"],
                "paid_at": timezone.localtime().isoformat(timespec="seconds"),
            },
            separators=(",", ":"),
        )
        timestamp = str(int(time.time()))
        signature = sign(
            secret=channel_secret(channel), timestamp=timestamp, raw_body=body.encode()
        )
        self.stdout.write(
            f"curl -s -X POST {options['url']}/api/v1/payments/notifications/ "
            f"-H 'Content-Type: application/json' -H 'X-Channel-Id: {channel.code}' "
            f"-H 'X-Timestamp: {timestamp}' -H 'X-Signature: {signature}' -d '{body}'"
        )
