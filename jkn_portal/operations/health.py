"""Health endpoints for load balancers and orchestrators (issue 16, point 10).

- `GET /healthz/live`: liveness, touches nothing; 200 while the process serves requests.
- `GET /healthz`: readiness, checks the database, the cache, the Celery broker and the Dukcapil
  registry, each with its latency in milliseconds. 503 only when the database is down (this
  instance cannot serve anything); a cache, broker or registry outage answers 200 with
  `"status": "degraded"`, because every instance shares them and the portal degrades instead
  of failing (logins without rate limits, payments repaired by the sweep, sync later): taking
  every instance out of the load balancer would turn a partial outage into a full one.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dukcapil_sync.client import RegistryClient, RegistryError

# Every check gives up after this long, so a hung dependency cannot hang the probe.
logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2.0
CRITICAL = frozenset({"database"})


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _cache() -> str:
    # The cache fails soft (core/cache.py): a lost write shows up as a miss here.
    key, value = "healthz", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("no answer (writes are lost, rate limits are off)")
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "skipped: no broker, tasks run in-process"
    from jkn_portal.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
    return "ok"


def _registry() -> str:
    with RegistryClient(timeout=CHECK_TIMEOUT_SECONDS, retries=0) as client:
        # An unknown NIK: 404 proves the registry answers and accepts our API key (a wrong
        # key is the usual configuration error, and /health alone would not show it).
        client.person("0" * 16)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "registry": _registry,
}


def _run(check: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
        status = "ok" if detail == "ok" else "skipped"
    except (RegistryError, Exception) as error:  # noqa: BLE001 - a probe reports, never raises
        # The answer is public (load balancers do not log in): the error's kind only; the
        # message, with hosts and ports, goes to the log.
        logger.warning("health check %s failed: %s", check.__name__.lstrip("_"), error)
        detail = type(error).__name__
        status = "down"
    result: dict[str, Any] = {
        "status": status,
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if detail != "ok":
        result["detail"] = detail
    return result


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = {name: _run(check) for name, check in CHECKS.items()}
    down = {name for name, result in checks.items() if result["status"] == "down"}
    status = "down" if down & CRITICAL else "degraded" if down else "ok"
    return JsonResponse(
        {"status": status, "checks": checks}, status=503 if status == "down" else 200
    )
