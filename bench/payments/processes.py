"""The Celery workers and gunicorn the payments benchmark starts and stops."""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT

from .rows import Log


def _start_workers(env: dict[str, str], queue: str, count: int, log: Log) -> list[subprocess.Popen]:
    procs = []
    for n in range(count):
        log_file = (ROOT / "bench" / "out" / f"payments-worker{n}.log").open("w")
        proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jkn_portal",
                "worker",
                "--pool=prefork",
                "--concurrency=2",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"bench{n}-{queue}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        procs.append(proc)
    log(f"  {count} Celery workers (prefork, concurrency 2) on queue {queue}")
    for n, proc in enumerate(procs):
        _wait_ready(proc, ROOT / "bench" / "out" / f"payments-worker{n}.log")
    return procs


def _wait_ready(proc: subprocess.Popen, log_path: Path, timeout: float = 90.0) -> None:
    """Until the worker says it is ready (its consumer is bound to the queue). A billing
    task sent while the worker was still starting was once never seen, and `make bench`
    then waited its full 15 minutes for a job that had not started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Celery worker exited with {proc.returncode}: see {log_path}")
        if " ready." in log_path.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise SystemExit(f"Celery worker not ready after {timeout:.0f} s: see {log_path}")


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def _start_gunicorn(env: dict[str, str], log: Log) -> tuple[subprocess.Popen, int]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(  # noqa: S603 - fixed argument list
        [
            str(gunicorn),
            "jkn_portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "bench" / "out" / "gunicorn-payments.log").open("w"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/me/bills/")
            if conn.getresponse().status == 401:
                log(f"  gunicorn (2 sync workers) on 127.0.0.1:{port}")
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not start; see bench/out/gunicorn-payments.log")
