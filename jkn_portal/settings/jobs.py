"""Celery: the broker, in-process tasks without one, time limits, and the one beat schedule
(add new periodic jobs to CELERY_BEAT_SCHEDULE here)."""

from celery.schedules import crontab

from ..env import env_bool, env_float, env_int, env_str
from .base import TIME_ZONE

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
# Without a broker (the embedded default) tasks run in-process. Tests never rely on this:
# they call task functions directly or run a real worker.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
# Without a broker there is no beat process either: the web process runs the beat schedule
# in a thread (jkn_portal/embedded_beat.py), so the sweep and month end run there too.
EMBEDDED_BEAT = env_bool("EMBEDDED_BEAT", CELERY_TASK_ALWAYS_EAGER)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Tests run their worker on a queue of their own, so a stray worker never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
# The one beat schedule (times are Asia/Jakarta). Month end: bills of the new month on the
# 1st at 00:05, then the month that ended unpaid switches off at 00:15, then the nightly
# recompute at 00:30 and the Dukcapil sync at 01:30 (it resumes a run an outage stopped).
CELERY_BEAT_SCHEDULE = {
    "monthly-billing": {
        "task": "payments.tasks.generate_monthly_bills",
        "schedule": crontab(day_of_month="1", hour=0, minute=5),
    },
    "month-end-status": {
        "task": "payments.tasks.month_end",
        "schedule": crontab(day_of_month="1", hour=0, minute=15),
    },
    "nightly-status-recompute": {
        "task": "participants.tasks.recompute_all_statuses",
        "schedule": crontab(hour=0, minute=30),
    },
    "nightly-dukcapil-sync": {
        "task": "dukcapil_sync.tasks.sync_full",
        "schedule": crontab(hour=1, minute=30),
    },
    # Resumes a full sync whose worker died, one lease after it went silent.
    "dukcapil-sync-watchdog": {"task": "dukcapil_sync.tasks.sync_watchdog", "schedule": 60.0},
    # Scheduled data changes (FKTP, class) take effect on the 1st, before the bills of 00:05
    # are made, so the new month's bill uses the new class. Daily, so a missed run catches up.
    "data-changes-apply": {
        "task": "changes.tasks.apply_scheduled_changes",
        "schedule": crontab(hour=0, minute=1),
    },
    # Catches reactivations whose event task was lost (broker down, worker killed).
    "reactivation-sweep": {
        "task": "payments.tasks.sweep_reactivations",
        "schedule": env_float("REACTIVATION_SWEEP_SECONDS", 60, minimum=1),
    },
    # Complaints in PENANGANAN whose 5 days without a participant reply have passed.
    "complaints-autoclose": {
        "task": "complaints.tasks.autoclose_complaints",
        "schedule": crontab(minute="*/15"),
    },
    # New status changes, bills due, payments, complaint answers and data changes.
    "notifications-collect": {
        "task": "notifications.tasks.collect_notifications",
        "schedule": 60.0,
    },
    "registration-drafts-expire": {
        "task": "registrations.tasks.expire_drafts",
        "schedule": crontab(minute="*/15"),
    },
    # Messages due for a retry, and ones whose send task was lost.
    "messaging-requeue": {"task": "messaging.tasks.requeue_due_messages", "schedule": 60.0},
}

# Celery in production. The worker logs through LOGGING (monitoring.py: JSON, request ids).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A request that queues a task while the broker is down gives up after about a second instead
# of hanging; what it queued is repaired by the sweeps (reactivations every minute).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2.0
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis hands an unacknowledged message to another worker after the visibility timeout. It
# must exceed the longest task time limit (CELERY_TASK_TIME_LIMIT, 30 min; the full sync's
# tasks end within 25 min and continue in a new task), or a task still running would be run
# twice. A worker killed mid-task is replaced sooner by the watchdogs and sweeps (minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 2400, minimum=60)
}
