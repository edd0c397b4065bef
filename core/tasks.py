"""What every Celery task shares (each app's tasks.py uses it)."""

from typing import Any

from django.db import InterfaceError, OperationalError

# A lost connection, a database failover, or PostgreSQL choosing this transaction as a
# deadlock victim: the tasks are idempotent, so they run again with backoff. Bad data
# (IntegrityError, a DomainError) is never retried.
DATABASE_RETRY: dict[str, Any] = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
}
