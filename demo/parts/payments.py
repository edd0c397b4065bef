"""payments' part of the demo (demos only, never production): a bank channel for trying
the notification API, the simulation channel behind "Bayar (simulasi)", and the bills of the
demo families' unpaid months. Secrets are random per database, never committed; read one
with `manage.py payment_channel_secret BANK_DEMO`. Idempotent."""

import secrets
from collections.abc import Callable
from datetime import date

from families.models import FamilyCard
from payments.models import PaymentChannel
from payments.services import family_bills_ensure
from payments.services.notifications import simulation_channel

DEMO_BANK = "BANK_DEMO"


def seed_demo_payments(*, kk_numbers: list[str], today: date, log: Callable[[str], None]) -> None:
    PaymentChannel.objects.get_or_create(
        code=DEMO_BANK,
        defaults={"name": "Bank Demo (uji coba API)", "secret": secrets.token_hex(32)},
    )
    simulation_channel()
    made = 0
    for family in FamilyCard.objects.filter(number__in=kk_numbers).order_by("number"):
        made += len(family_bills_ensure(family=family, on=today))
    log(f"payments: channels {DEMO_BANK} and SIMULASI, {made} bills for unpaid months")
