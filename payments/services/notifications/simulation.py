"""The simulated bank of the embedded default: "Bayar (simulasi)" pays through the same
signed notification a bank sends."""

import json
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.models import User
from families.models import FamilyCard

from ...models import Payment, PaymentChannel
from .protocol import channel_secret, sign
from .receive import notification_receive

SIMULATION_CHANNEL = "SIMULASI"


def simulation_channel() -> PaymentChannel:
    """The channel behind "Bayar (simulasi)", with a random secret made on first use."""
    channel, _created = PaymentChannel.objects.get_or_create(
        code=SIMULATION_CHANNEL,
        defaults={
            "name": "Simulasi (tanpa uang sungguhan)",
            "is_simulation": True,
            "secret": secrets.token_hex(32),
        },
    )
    if not channel_secret(channel):
        channel.secret = secrets.token_hex(32)
        channel.save(update_fields=["secret"])
    return channel


def payment_simulate(
    *, family: FamilyCard, actor: User, amount: int, now: datetime | None = None
) -> Payment:
    """Pay `amount` to the family's VA as a bank would: a notification signed with the
    simulation channel's secret, through `notification_receive`. Embedded default only."""
    if not settings.PAYMENT_SIMULATION:
        raise DomainError(
            gettext_lazy("Simulated payments are switched off on this server."),
            code="SIMULATION_DISABLED",
        )
    if amount <= 0:
        raise DomainError(gettext_lazy("There is nothing to pay."), code="NOTHING_TO_PAY")
    now = now or timezone.now()
    channel = simulation_channel()
    raw_body = json.dumps(
        {
            "transaction_id": f"SIM-{actor.pk}-{uuid.uuid4().hex[:20]}",
            "virtual_account": family.virtual_account,
            "amount": amount,
            "paid_at": timezone.localtime(now).isoformat(timespec="seconds"),
        },
        separators=(",", ":"),
    ).encode()
    timestamp = str(int(now.timestamp()))
    return notification_receive(
        channel_code=channel.code,
        timestamp=timestamp,
        signature=sign(secret=channel_secret(channel), timestamp=timestamp, raw_body=raw_body),
        raw_body=raw_body,
        now=now,
    )
