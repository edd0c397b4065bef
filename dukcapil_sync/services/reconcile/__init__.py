"""Turn what the registry said about a set of participants into discrepancy rows, applied
facts and verification holds: set-based, inside the caller's transaction.

Rules (DESIGN.md 4.8):
- A difference is recorded once: the row's identity is (participant or family, kind, key),
  backed by a unique constraint. Seen again, it is only marked as seen.
- Safe differences (settings.DUKCAPIL_SAFE_DIFFERENCES) are applied at once with an audit
  row; a death is applied at once (TIDAK AKTIF, DECEASED) and queued for confirmation; a
  newborn's NIK is applied at once. Everything else is OPEN in the staff queue and puts the
  participant in PENANGGUHAN.
- A decided row (ACCEPTED, KEPT) or an applied one is never changed by a later sync, so a
  staff decision is never silently overwritten. An OPEN row that a completed check no longer
  sees is closed as RESOLVED (and a death the registry withdrew is undone).
- The sync lifts only holds it set itself (ParticipantSyncState.hold_set): a hold set by
  staff stays until staff lift it.
"""

from .chunk import reconcile
from .holds import hold_changes, participant_hold_refresh, store_hold_set
from .scope import ChunkResult, RegistryAnswers, chunk_participant_ids, chunk_registry_keys

__all__ = [
    "ChunkResult",
    "RegistryAnswers",
    "chunk_participant_ids",
    "chunk_registry_keys",
    "hold_changes",
    "participant_hold_refresh",
    "reconcile",
    "store_hold_set",
]
