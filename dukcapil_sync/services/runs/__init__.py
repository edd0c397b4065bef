"""Sync runs: the full sync (chunked, resumable, shared by several workers), one family, one
person. Every run is a SyncRun with a JobRun beside it, counting participants.

How a full run survives failures:
- Chunks are whole families, fixed when the run starts, so each participant is in one chunk.
- A worker claims a chunk with a conditional UPDATE (PENDING, or CLAIMED longer ago than the
  lease) and checks the row count: two workers never hold the same chunk. It renews the
  claim while it works, so the lease (60 s) only has to outlast a dead worker's silence.
- Beat's watchdog (every minute) hands a run that nobody works on to the workers again: a
  worker killed mid-run is replaced within about two minutes, not at the broker's
  redelivery (visibility timeout).
- It asks the registry first (no transaction open), then writes the chunk's results and
  marks it DONE in one transaction, and only if its claim still holds: a chunk is counted
  once or not at all, even if the worker is killed (SIGKILL) halfway.
- When the registry is down (circuit breaker open) the run stops cleanly (STOPPED, with a
  report); the next run resumes it, picking up pending and abandoned chunks.
"""

from .chunks import (
    chunk_claim,
    chunk_process,
    fetch_answers,
    run_finish_if_complete,
    run_stalled,
)
from .common import ClaimLost, RegistryUnavailableError, interactive_client
from .full import WorkSummary, full_sync_start, full_sync_work, held_chunks_note, run_stop
from .single import family_sync, participant_sync

__all__ = [
    "ClaimLost",
    "RegistryUnavailableError",
    "WorkSummary",
    "chunk_claim",
    "chunk_process",
    "family_sync",
    "fetch_answers",
    "full_sync_start",
    "full_sync_work",
    "held_chunks_note",
    "interactive_client",
    "participant_sync",
    "run_finish_if_complete",
    "run_stalled",
    "run_stop",
]
