"""Celery beat inside the web process for the embedded default (no broker, no beat process).

Without it nothing repairs state on the embedded default: a reactivation whose in-process task
failed would stay PENDING for ever, and month end would never switch anyone off. Celery's own
embedded beat service runs the same CELERY_BEAT_SCHEDULE in a thread; with tasks running
in-process (CELERY_TASK_ALWAYS_EAGER) each due task runs in that thread."""

import logging

from celery.beat import EmbeddedService
from django.conf import settings

from .celery import app

logger = logging.getLogger(__name__)

_started = False


def start_embedded_beat() -> None:
    """Start the beat thread once per process, if EMBEDDED_BEAT is on (the default without a
    broker). Called by the WSGI module, so `runserver` and gunicorn start it, commands not."""
    global _started
    if _started or not settings.EMBEDDED_BEAT:
        return
    _started = True
    # Register the tasks (a worker does this when it starts): a due task that is not
    # registered would be sent to the in-memory broker, where nothing reads it.
    app.loader.import_default_modules()
    service = EmbeddedService(
        app, thread=True, schedule_filename=str(settings.VAR_DIR / "celerybeat-embedded")
    )
    service.start()
    logger.info("embedded beat started: %s", ", ".join(sorted(settings.CELERY_BEAT_SCHEDULE)))
