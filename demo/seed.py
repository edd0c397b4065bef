"""`seed_demo`: the demo identities (demo.identities) written by each app's part, in the
order of the imports (core, participants, families, the mock registry, payments, vclaim,
complaints).

Idempotent: every row is found by its natural key (branch code, FKTP code, username, card
number, KK number) before it is created, so running it again changes nothing."""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

from participants.models import Segment

from .identities import demo_families
from .parts.accounts import seed_participant_accounts
from .parts.changes import seed_facility_capacity
from .parts.complaints import seed_demo_complaints
from .parts.core import seed_accounts, seed_branches
from .parts.families import seed_families
from .parts.participants import seed_duplicate_record, seed_facilities
from .parts.payments import seed_demo_payments
from .parts.registrations import seed_registry_newcomers
from .parts.registry import seed_registry
from .parts.vclaim import seed_demo_vclaim


@transaction.atomic
def seed_demo(
    *,
    today: date | None = None,
    log: Callable[[str], None] = print,
    skip_registry: bool = False,
) -> None:
    today = today or timezone.localdate()
    branches = seed_branches()
    facilities = seed_facilities(branches=branches)
    log(f"branches: {len(branches)}, FKTP: {len(facilities)}")
    seed_accounts(branches=branches)

    segments = {s.code: s for s in Segment.objects.all()}
    families = demo_families(today)
    created = seed_families(
        today=today, branches=branches, facilities=facilities, segments=segments
    )
    seed_duplicate_record(segments=segments, facilities=facilities, branches=branches)
    log(f"demo families created: {created} (of {len(families)})")
    log(f"participant accounts (e-mail, phone, PIN) created: {seed_participant_accounts()}")
    log(f"FKTP marked full: {seed_facility_capacity()}")

    if skip_registry:
        log("registry: not seeded (--skip-registry)")
    else:
        seed_registry(today=today, log=log)
        seed_registry_newcomers(log=log)
    seed_demo_payments(kk_numbers=[f.kk_number for f in families], today=today, log=log)
    seed_demo_complaints(today=today, log=log)
    seed_demo_vclaim(branches=branches, log=log)
