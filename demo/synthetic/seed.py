"""Make sure N synthetic families exist: count them, generate the missing ones family by
family from their own seeded generator, write them in batches (see demo.synthetic.generate)."""

import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db.models import Max
from django.utils import timezone
from faker import Faker

from participants.models import Participant

from .generate import (
    CARD_PREFIX,
    FAMILIES_PER_TRANSACTION,
    HEAD_CARD_REGEX,
    SYNTHETIC_PASSWORD,
    _make_family,
)
from .references import _load_references, _load_taken
from .write import _write_batch

ProgressCallback = Callable[[int, int], None]


def synthetic_family_count() -> int:
    """How many synthetic families exist: their heads' card numbers end in 00."""
    return Participant.objects.filter(
        card_number__startswith=CARD_PREFIX, card_number__regex=HEAD_CARD_REGEX
    ).count()


def _next_family_index() -> int:
    # Never reuse an index (card numbers are never reused), even if rows were deleted.
    highest = Participant.objects.filter(card_number__startswith=CARD_PREFIX).aggregate(
        m=Max("card_number")
    )["m"]
    return int(highest[1:11]) + 1 if highest else 0


def seed_synthetic_families(
    *, count: int, seed: int = 2026, progress: ProgressCallback | None = None
) -> int:
    """Make sure `count` synthetic families exist; create only the missing ones.

    Returns the number of families created. Raises DomainError if there is no FKTP facility
    to assign them to (run `manage.py seed_demo` first)."""
    missing = count - synthetic_family_count()
    if missing <= 0:
        return 0
    refs = _load_references()
    taken = _load_taken()
    today = timezone.localdate()
    now = timezone.now()
    password_hash = make_password(SYNTHETIC_PASSWORD, hasher="argon2")
    fake = Faker("id_ID")
    first = _next_family_index()
    created = 0
    while created < missing:
        size = min(FAMILIES_PER_TRANSACTION, missing - created)
        families = []
        for index in range(first + created, first + created + size):
            rng = random.Random(seed * 10_000_000_000 + index)
            # Faker's documented `random` setter: all of this family's fake data from `rng`.
            fake.random = rng  # type: ignore[attr-defined]
            families.append(_make_family(index, rng, fake, refs, taken, today))
        _write_batch(families, refs, password_hash, today, now)
        created += size
        if progress:
            progress(created, missing)
    return created
