"""Every write of the Dukcapil sync (STYLE.md 2), by topic:

- `runs`: full sync (chunked, resumable, shared by workers), one family, one person;
- `reconcile`: what a chunk's registry answers change (discrepancies, facts, holds);
- `decisions`: staff accept / keep, and closing the offer of a KK member a family registered.
"""

from .decisions import discrepancy_accept, discrepancy_keep, new_member_offers_close
from .runs import (
    RegistryUnavailableError,
    family_sync,
    full_sync_start,
    full_sync_work,
    participant_sync,
    run_stop,
)

__all__ = [
    "RegistryUnavailableError",
    "discrepancy_accept",
    "discrepancy_keep",
    "family_sync",
    "full_sync_start",
    "full_sync_work",
    "new_member_offers_close",
    "participant_sync",
    "run_stop",
]
