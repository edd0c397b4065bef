"""Reads shared by the registry's HTTP views and its admin."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import Person, RegistryFamilyCard, RegistryMembership, RegistrySettings


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: int
    error_rate: float
    outage: bool


def registry_fault_config() -> FaultConfig:
    """The admin row wins so staff can flip the registry into failure without a restart."""
    row = RegistrySettings.objects.filter(pk=1).first()
    if row is not None:
        return FaultConfig(latency_ms=row.latency_ms, error_rate=row.error_rate, outage=row.outage)
    return FaultConfig(
        latency_ms=int(getattr(settings, "REGISTRY_LATENCY_MS", 0)),
        error_rate=float(getattr(settings, "REGISTRY_ERROR_RATE", 0.0)),
        outage=False,
    )


def _current_memberships() -> QuerySet[RegistryMembership]:
    return RegistryMembership.objects.filter(valid_to__isnull=True)


def person_queryset() -> QuerySet[Person]:
    """Persons with their current membership prefetched into `current_memberships`, so a
    batch or page of persons costs two queries whatever its size."""
    return Person.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=_current_memberships().select_related("family_card"),
            to_attr="current_memberships",
        )
    )


def _family_card_queryset() -> QuerySet[RegistryFamilyCard]:
    return RegistryFamilyCard.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=_current_memberships()
            .select_related("person")
            .order_by("valid_from", "person_id"),
            to_attr="current_memberships",
        )
    )


def family_card_get(*, kk_number: str) -> RegistryFamilyCard | None:
    return _family_card_queryset().filter(kk_number=kk_number).first()


def family_cards_get(*, kk_numbers: list[str]) -> list[RegistryFamilyCard]:
    """Many KKs with their current members in two queries, whatever their number."""
    return list(_family_card_queryset().filter(kk_number__in=kk_numbers))
