"""Start the portal as a real server process (runserver, threaded: the embedded default's
shape) for the tests that need requests to hit it in parallel or on another database."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from .workers import stop_process

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The embedded default (no broker: tasks in-process) on `database_url`."""
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}}
    env.update({"DATABASE_URL": database_url, "DJANGO_DEBUG": "1", **extra})
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def database_url_for_servers() -> str:
    """The test database, for a server or worker process started by a test."""
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def serve(
    command: Callable[[int], list[str]], env: dict[str, str], *, ready_path: str = "/masuk/"
) -> Iterator[str]:
    """Start `command(port)` on a free port; yields the base URL once `ready_path` answers
    (any HTTP status), and stops the process afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        command(port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(proc.stdout or []), daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # A server loads Django on its first request: allow for a busy machine.
                urllib.request.urlopen(url + ready_path, timeout=15)  # noqa: S310 - our server
                break
            except urllib.error.HTTPError:
                break  # it answered
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not start:\n" + "".join(log)) from None
                time.sleep(0.2)
        yield url
    finally:
        stop_process(proc)
        server_log.extend(log)


@contextmanager
def portal_server(env: dict[str, str]) -> Iterator[str]:
    """`manage.py runserver` (threaded, the embedded default's server) on a free port."""
    with serve(
        lambda port: [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env,
    ) as url:
        yield url


# The last server's output, for a failing test's message.
server_log: list[str] = []
