"""Prometheus metrics at `/metrics` (issue 16, point 11).

- HTTP: django-prometheus middleware (requests by view and method, responses by status,
  latency histograms by view).
- Celery: counters and a duration histogram per task, from Celery's task signals in the worker.
- Jobs: progress of the latest run of each job (billing, month end, Dukcapil sync, status
  recompute, reactivation sweep) and the reactivations waiting for a worker, read from the
  database at scrape time, so they are right whichever process did the work.

Several processes (gunicorn workers, Celery's pool) count separately: with
PROMETHEUS_MULTIPROC_DIR set (the Makefile's `web` and `worker` targets set one directory per
kind under METRICS_DIR), prometheus_client writes the counts to files and this view adds up
every directory under METRICS_DIR, so one scrape of the web sees the workers on this machine too.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

TASKS = Counter("celery_tasks_total", "Celery tasks finished, by task and state", ["task", "state"])
TASK_SECONDS = Histogram(
    "celery_task_duration_seconds",
    "Time a Celery task ran, by task",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)

_started: dict[str, float] = {}


def task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.monotonic()


def task_finished(
    task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any
) -> None:
    name = getattr(task, "name", "unknown")
    began = _started.pop(task_id or "", None)
    if began is not None:
        TASK_SECONDS.labels(task=name).observe(time.monotonic() - began)
    TASKS.labels(task=name, state=state or "UNKNOWN").inc()


class JobProgressCollector(Collector):
    """Latest run of each job kind ("billing 2026-12" counts as "billing")."""

    NAMES = (
        "jkn_job_done",
        "jkn_job_total",
        "jkn_job_running",
        "jkn_job_failed",
        "jkn_job_started_timestamp_seconds",
        "jkn_reactivations_pending",
    )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Registering must not query the database (it happens at import).
        return iter(GaugeMetricFamily(name, name) for name in self.NAMES)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from core.models import JobRun
        from payments.models import Reactivation

        done = GaugeMetricFamily("jkn_job_done", "Items done in the latest run", labels=["job"])
        total = GaugeMetricFamily("jkn_job_total", "Items in the latest run", labels=["job"])
        running = GaugeMetricFamily(
            "jkn_job_running", "1 while the latest run is running", labels=["job"]
        )
        failed = GaugeMetricFamily("jkn_job_failed", "1 when the latest run failed", labels=["job"])
        started = GaugeMetricFamily(
            "jkn_job_started_timestamp_seconds", "When the latest run started", labels=["job"]
        )
        latest_ids = JobRun.objects.values("name").annotate(last=Max("id")).values("last")
        newest: dict[str, JobRun] = {}
        for run in JobRun.objects.filter(id__in=latest_ids).order_by("started_at", "id"):
            newest[run.name.split(" ", 1)[0]] = run
        for job, run in sorted(newest.items()):
            done.add_metric([job], run.done)
            total.add_metric([job], run.total)
            running.add_metric([job], int(run.state == JobRun.State.RUNNING))
            failed.add_metric([job], int(run.state == JobRun.State.FAILED))
            started.add_metric([job], run.started_at.timestamp())
        yield from (done, total, running, failed, started)
        pending = GaugeMetricFamily(
            "jkn_reactivations_pending",
            "Paid families waiting for a worker to make them AKTIF (the sweep repairs lost ones)",
        )
        pending.add_metric(
            [], Reactivation.objects.filter(state=Reactivation.State.PENDING).count()
        )
        yield pending


_jobs = CollectorRegistry()
_jobs.register(JobProgressCollector())


class ProcessFilesCollector(Collector):
    """The counts every process on this machine wrote under METRICS_DIR (web, worker),
    merged as one, so a metric two kinds of process share is still one metric."""

    def collect(self) -> Iterator[Any]:
        files = sorted(str(path) for path in Path(settings.METRICS_DIR).glob("*/*.db"))
        return iter(multiprocess.MultiProcessCollector.merge(files, accumulate=True))


def _process_registry() -> CollectorRegistry:
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    registry.register(ProcessFilesCollector())
    return registry


def _authorized(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return True
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _authorized(request):
        return HttpResponse("metrics token required\n", status=401, content_type="text/plain")
    body = generate_latest(_process_registry()) + generate_latest(_jobs)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
