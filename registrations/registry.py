"""The registry pull for registrations: the KK and its people, read through the Dukcapil
client (the only code that talks HTTP to the registry), with the interactive timeouts so a
page answers quickly."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from dukcapil_sync.client import (
    RegistryClient,
    RegistryError,
    RegistryFamilyCard,
    RegistryPerson,
)


class RegistryUnavailableError(DomainError):
    code = "REGISTRY_UNAVAILABLE"
    http_status = 503


@dataclass(frozen=True)
class PulledFamily:
    card: RegistryFamilyCard
    people: dict[str, RegistryPerson]


def _client() -> RegistryClient:
    return RegistryClient(
        timeout=settings.DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS,
        retries=settings.DUKCAPIL_INTERACTIVE_RETRIES,
    )


def _unavailable(exc: RegistryError) -> RegistryUnavailableError:
    return RegistryUnavailableError(
        _("Dukcapil cannot be reached right now; your draft is kept. Try again in a few minutes.")
    )


def family_pull(*, kk_number: str) -> PulledFamily | None:
    """The KK as Dukcapil lists it, with each member's person record (alive or not)."""
    try:
        with _client() as client:
            card = client.family_card(kk_number)
            if card is None:
                return None
            batch = client.persons([m.nik for m in card.members])
    except RegistryError as exc:
        raise _unavailable(exc) from exc
    return PulledFamily(card=card, people=dict(batch.found))


def person_pull(*, nik: str) -> RegistryPerson | None:
    try:
        with _client() as client:
            return client.person(nik)
    except RegistryError as exc:
        raise _unavailable(exc) from exc
