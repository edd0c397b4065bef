"""The only code that talks HTTP to the Dukcapil registry (STYLE.md 8).

- Every call has a timeout (connect, read).
- Network errors, timeouts and 5xx answers are retried with exponential backoff and jitter
  (urllib3's `Retry`); a 4xx answer is never retried: asking again gives the same answer.
- A circuit breaker (pybreaker) per registry URL and process: after `fail_max` calls that
  failed even after their retries, calls fail at once for `reset_timeout` seconds, so an
  outage does not pile up work (a full sync stops cleanly and resumes later).
- Answers come out as frozen dataclasses; the registry's own JSON never leaves this module.

The registry's batch endpoints are reads, so POST is retried like GET.

A package: `errors` (what can go wrong), `answers` (the registry's JSON read into frozen
dataclasses), `breakers` (the circuit breaker per URL, and the embedded registry's address)
and `calls` (`RegistryClient`: timeouts, retries, the endpoints). Every name stays importable
from `dukcapil_sync.client`.
"""

from .answers import (
    FamilyCardBatch,
    PersonBatch,
    RegistryFamilyCard,
    RegistryMember,
    RegistryPerson,
    family_card_from_json,
    person_from_json,
)
from .breakers import (
    EMBEDDED_REGISTRY_PATH,
    circuit_breaker,
    registry_url,
    remember_own_address,
    reset_circuit_breakers,
)
from .calls import RETRY_STATUSES, RegistryClient
from .errors import (
    RegistryCircuitOpen,
    RegistryError,
    RegistryProtocolError,
    RegistryRejected,
    RegistryUnavailable,
)

__all__ = [
    "EMBEDDED_REGISTRY_PATH",
    "RETRY_STATUSES",
    "FamilyCardBatch",
    "PersonBatch",
    "RegistryCircuitOpen",
    "RegistryClient",
    "RegistryError",
    "RegistryFamilyCard",
    "RegistryMember",
    "RegistryPerson",
    "RegistryProtocolError",
    "RegistryRejected",
    "RegistryUnavailable",
    "circuit_breaker",
    "family_card_from_json",
    "person_from_json",
    "registry_url",
    "remember_own_address",
    "reset_circuit_breakers",
]
