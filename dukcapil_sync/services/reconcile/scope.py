"""What a chunk covers (its participants, the NIKs and KK numbers to ask about), and what
the registry answered and the chunk's counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from families.models import FamilyCard, FamilyMembership
from participants.models import Participant

from ...client import FamilyCardBatch, PersonBatch


@dataclass
class ChunkResult:
    done: int = 0
    differences: int = 0
    applied: int = 0
    errors: int = 0


@dataclass(frozen=True)
class RegistryAnswers:
    persons: PersonBatch
    cards: FamilyCardBatch


def chunk_participant_ids(
    *, participant_ids: Iterable[int], family_ids: Iterable[int]
) -> list[int]:
    """The live participants a chunk covers: its own ids plus every current member of the
    families it checks (the same set for a full-sync chunk, built from whole families)."""
    ids = set(participant_ids)
    family_ids = list(family_ids)
    if family_ids:
        ids |= set(
            FamilyMembership.objects.filter(
                family_id__in=family_ids, valid_to__isnull=True
            ).values_list("participant_id", flat=True)
        )
    return sorted(
        Participant.objects.filter(pk__in=ids, retired_at__isnull=True).values_list("pk", flat=True)
    )


def chunk_registry_keys(
    *, participant_ids: list[int], family_ids: list[int]
) -> tuple[list[str], list[str]]:
    """The NIKs and KK numbers to ask the registry about (read before any HTTP call, so no
    transaction is held open while the registry answers)."""
    niks = list(
        Participant.objects.filter(pk__in=participant_ids, nik__isnull=False).values_list(
            "nik", flat=True
        )
    )
    numbers = list(FamilyCard.objects.filter(pk__in=family_ids).values_list("number", flat=True))
    return [n for n in niks if n], numbers
