"""Enqueue a Celery task once the current transaction commits (STYLE.md 7), by the task's
registered name. Services call this instead of importing their app's `tasks` module: tasks
import services, never the reverse, so the import graph has no circle."""

import logging
from importlib import import_module

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_name: str, *args: object, queue: str | None = None) -> None:
    """After commit, send `task_name` (e.g. "payments.tasks.reactivate") with `args`.

    Robust: a broker outage must not undo committed work, so a failed send is logged and the
    app's sweep catches the row later. Without a broker (the embedded default) the task runs
    in-process, as every `apply_async` does in eager mode."""

    def send() -> None:
        # A web process has not imported every tasks module: importing it registers the task.
        import_module(task_name.rpartition(".")[0])
        current_app.tasks[task_name].apply_async(args, queue=queue)
        logger.debug("%s%r enqueued (queue %s)", task_name, args, queue)

    transaction.on_commit(send, robust=True)
