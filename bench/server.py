"""gunicorn on loopback (DEBUG off), a plain HTTP GET, and the login timing."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    DEMO_PASSWORD,
    FAMILY_PATH,
    OUT_DIR,
    ROOT,
    TOKEN_PATH,
    children_of,
    free_port,
    percentile,
)
from bench.tokens import Login


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    def pids(self) -> list[int]:
        return [self.process.pid, *children_of(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(env: dict[str, str], workers: int, worker_class: str) -> Server:
    port = free_port()
    log_path = OUT_DIR / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_file = log_path.open("w")
    process = subprocess.Popen(  # noqa: S603 - fixed argument list, no shell
        [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "jkn_portal.wsgi:application",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            status, _ = http_get(port, FAMILY_PATH, token=None)
            if status == 401:
                return Server(process, port, log_path)
            raise SystemExit(f"GET {FAMILY_PATH} without a token answered {status}, not 401")
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")


def http_get(port: int, path: str, token: str | None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def measure_logins(port: int, logins: list[Login], count: int) -> dict[str, object]:
    """POST /api/v1/auth/token/ one after another: the Argon2 check dominates a login."""
    latencies, errors = [], 0
    for login in logins[:count]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"nik": login.nik, "password": DEMO_PASSWORD})
        started = time.perf_counter()
        try:
            conn.request(
                "POST", TOKEN_PATH, body=body, headers={"Content-Type": "application/json"}
            )
            response = conn.getresponse()
            response.read()
            if response.status != 201:
                errors += 1
        except OSError:
            errors += 1
        finally:
            conn.close()
        latencies.append(time.perf_counter() - started)
    return {
        "requests": len(latencies),
        "errors": errors,
        "p50_ms": percentile(latencies, 50) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "rps": len(latencies) / sum(latencies) if latencies else 0,
    }
