"""Celery application. Broker from CELERY_BROKER_URL; without one (the embedded default)
tasks run in-process (see settings.CELERY_TASK_ALWAYS_EAGER).

Signal hooks for operators: the request id of the web request that queued a task travels in
the task's headers and is on every log line the task writes; task counts and durations go to
Prometheus (jkn_portal/operations/metrics.py); beat prints its schedule when it starts.
"""

import logging
import os
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkn_portal.settings")

app = Celery("jkn_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("jkn.celery")
REQUEST_ID_HEADER = "request_id"


@signals.before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    from core.observability import current_request_id

    request_id = current_request_id()
    if headers is not None and request_id and not headers.get(REQUEST_ID_HEADER):
        headers[REQUEST_ID_HEADER] = request_id


@signals.task_prerun.connect
def _task_started(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    from core.observability import new_request_id, request_id_var
    from jkn_portal.operations.metrics import task_started

    request = getattr(task, "request", None)
    given = getattr(request, REQUEST_ID_HEADER, None) or (
        (getattr(request, "headers", None) or {}).get(REQUEST_ID_HEADER)
    )
    # A task from beat has no request behind it: it gets an id of its own.
    request_id_var.set(given or f"task-{task_id or new_request_id()}")
    task_started(task_id=task_id)


@signals.task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    from core.observability import request_id_var
    from jkn_portal.operations.metrics import task_finished

    task_finished(task_id=task_id, task=task, state=kwargs.get("state"))
    request_id_var.set("")


@signals.beat_init.connect
def _log_beat_schedule(sender: Any = None, **_: Any) -> None:
    """What beat will send and when next, in the operator time convention."""
    from core.observability import operator_time

    scheduler = getattr(sender, "scheduler", None)
    entries = getattr(scheduler, "schedule", {}) or {}
    now = datetime.now(UTC)
    logger.info("beat schedule (%s entries), times in %s", len(entries), app.conf.timezone)
    for name, entry in sorted(entries.items()):
        if name.startswith("celery."):
            continue
        due_in = entry.schedule.remaining_estimate(entry.last_run_at or now)
        next_run = now + max(due_in, timedelta(0))
        logger.info(
            "beat: %s -> %s, %s, next %s",
            name,
            entry.task,
            entry.schedule,
            operator_time(next_run),
            extra={"beat_entry": name, "task": entry.task, "next_run": next_run.isoformat()},
        )
