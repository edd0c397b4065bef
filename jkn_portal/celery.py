"""Celery application. Broker from CELERY_BROKER_URL; without one (the embedded default)
tasks run in-process (see settings.CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jkn_portal.settings")

app = Celery("jkn_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
