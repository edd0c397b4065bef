"""What every kind of sync run shares: its errors, the interactive client, the run report."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Concat

from core.errors import DomainError
from core.observability import operator_time

from ...client import (
    RegistryClient,
)
from ...models import SyncRun

Log = Callable[[str], None]


class RegistryUnavailableError(DomainError):
    """Dukcapil could not be reached: the page or API says so and nothing was changed."""

    code = "REGISTRY_UNAVAILABLE"
    http_status = 503


class ClaimLost(Exception):
    """Our claim on the chunk expired and another worker took it: our results are dropped."""


def interactive_client() -> RegistryClient:
    """For someone waiting on a page: a short timeout and one retry."""
    return RegistryClient(
        timeout=settings.DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS,
        retries=settings.DUKCAPIL_INTERACTIVE_RETRIES,
    )


def _job_name(kind: str) -> str:
    return f"dukcapil_sync_{kind.lower()}"


def _note(run: SyncRun, line: str) -> None:
    stamp = operator_time()
    SyncRun.objects.filter(pk=run.pk).update(
        report=Concat(F("report"), Value(f"[{stamp}] {line}\n"))
    )
