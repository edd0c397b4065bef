"""Start a real Celery worker process for the worker tests (Redis broker, the test database)."""

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate a process we started, and kill it if it does not stop within 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_celery_worker(
    queue: str, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], list[str]]:
    """A solo-pool worker consuming only `queue`, against the test database; returns once it
    says it is ready, with a list that keeps collecting its log (so its pipe never fills)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": os.environ["TEST_CELERY_BROKER_URL"],
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "jkn_portal.settings",
        **(extra_env or {}),
    }
    proc = subprocess.Popen(  # noqa: S603 - our own celery, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jkn_portal",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"{queue}-{uuid.uuid4().hex[:4]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    log: list[str] = []
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        log.append(line)
        if "ready." in line:
            break
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError("Celery worker did not start:\n" + "".join(log))
    threading.Thread(target=lambda: log.extend(proc.stdout or []), daemon=True).start()
    return proc, log
