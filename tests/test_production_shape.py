"""The production shape, started exactly as the README's "Production shape" block says: the
registry service, the portal under gunicorn, a Celery worker and beat, each a separate process
on loopback, against PostgreSQL and Redis, with DEBUG off.

Then what an operator and a participant do first: seed the demo through the registry's HTTP
API, log in over the API, pay a bill with a signed bank notification and see the family AKTIF
through the worker; /healthz reports every dependency and /metrics counts the requests and the
worker's task. The only README line not run is `make install-production`: it would strip the
test tools from this very environment (the development install is a superset of it).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
import requests

from payments.services.notifications import sign

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parent.parent
PROCESS_TARGETS = ("make registry", "make web", "make worker", "make beat")
ARREARS_NIK = "3174021005750007"  # demo family 2: one month of arrears, TIDAK AKTIF
ARREARS_KK = "3174021002150002"
HEAD_NIK = "3174010101800001"
DEMO_PASSWORD = "Jkn-demo-2026"


def readme_block() -> list[str]:
    """The README's production block as logical lines (continuations joined), comments out."""
    text = (ROOT / "README.md").read_text()
    marker = text.index("<!-- production-shape")
    block = text[marker:].split("```sh\n", 1)[1].split("\n```", 1)[0]
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin_dsn(url: str, database: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path=f"/{database}").geturl()


def recreate_database(base_url: str, name: str) -> str:
    conn = psycopg2.connect(_admin_dsn(base_url, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return _admin_dsn(base_url, name)


def drop_database(base_url: str, name: str) -> None:
    conn = psycopg2.connect(_admin_dsn(base_url, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@dataclass
class Shape:
    env: dict[str, str]
    workdir: Path
    web: str
    registry: str
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def log(self, target: str) -> str:
        return (self.workdir / f"{target.split()[-1]}.log").read_text(errors="replace")

    def run(self, line: str) -> str:
        result = subprocess.run(
            shlex.split(line),
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def start(self, line: str) -> None:
        out = (self.workdir / f"{line.split()[-1]}.log").open("wb")
        # A session of its own: stopping it stops make and the process make exec'd.
        self.processes[line] = subprocess.Popen(
            shlex.split(line),
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_until(self, url: str, what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line, proc in self.processes.items():
                assert proc.poll() is None, f"{line} exited:\n{self.log(line)}"
            try:
                if requests.get(url, timeout=2, headers={"Host": "127.0.0.1"}).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{what} did not answer {url}")

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture
def shape(tmp_path: Path) -> Iterator[Shape]:
    base_db = os.environ.get("TEST_DATABASE_URL", os.environ.get("DATABASE_URL", ""))
    broker = os.environ["TEST_CELERY_BROKER_URL"]
    suffix = urlsplit(base_db).path.lstrip("/") or "jkn"
    portal_db_name, registry_db_name = f"{suffix}_prod", f"{suffix}_prod_registry"
    port, registry_port = free_port(), free_port()
    # Every variable the README exports gets a value of this test's own (databases, ports,
    # Redis database, directories); the test fails if the README gains one it does not set.
    values = {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "REGISTRY_PORT": str(registry_port),
        "DATABASE_URL": recreate_database(base_db, portal_db_name),
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": broker,
        "DUKCAPIL_URL": f"http://127.0.0.1:{registry_port}/registry/api/v1",
        "DUKCAPIL_API_KEY": secrets.token_urlsafe(24),
        "REGISTRY_EMBEDDED": "0",
        "REGISTRY_DATABASE_URL": recreate_database(base_db, registry_db_name),
        "REGISTRY_SECRET_KEY": secrets.token_urlsafe(40),
        "REGISTRY_ALLOWED_HOSTS": "127.0.0.1",
        "PAYMENT_CHANNEL_SECRETS": f"BANK_DEMO:{secrets.token_hex(16)}",
        "JKN_VAR_DIR": str(tmp_path / "var"),
        "REGISTRY_CONTROL_KEY": (control := secrets.token_urlsafe(16)),
        "DUKCAPIL_CONTROL_KEY": control,
    }
    exported = {
        name
        for line in readme_block()
        if line.startswith("export ")
        for name in re.findall(r"(\w+)=", line)
    }
    assert exported == set(values), f"README exports {sorted(exported ^ set(values))} differently"
    # The machine's environment minus the test runner's own settings.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEST_", "CELERY_", "DJANGO_SETTINGS", "PYTEST", "FAST_PASSWORD"))
    }
    env.update(values)
    env.update({"STATIC_ROOT": str(tmp_path / "static"), "PYTHONUNBUFFERED": "1"})
    shape = Shape(
        env=env,
        workdir=tmp_path,
        web=f"http://127.0.0.1:{port}",
        registry=values["DUKCAPIL_URL"],
    )
    try:
        yield shape
    finally:
        shape.stop()
        drop_database(base_db, portal_db_name)
        drop_database(base_db, registry_db_name)


def api(shape: Shape, method: str, path: str, **kwargs: object) -> requests.Response:
    return requests.request(method, f"{shape.web}{path}", timeout=30, **kwargs)  # type: ignore[arg-type]


def test_production_shape_from_the_readme_pays_a_bill_through_the_worker(shape: Shape):
    started = time.monotonic()
    lines = readme_block()
    assert "make install-production" in lines
    assert [line for line in lines if line in PROCESS_TARGETS] == list(PROCESS_TARGETS)

    # Given the README's commands, in its order (exports are the fixture's environment).
    for line in lines:
        if line.startswith("export ") or line == "make install-production":
            continue
        if line in PROCESS_TARGETS:
            shape.start(line)
            if line == "make registry":
                shape.wait_until(f"{shape.registry}/health", "the registry")
            if line == "make web":
                shape.wait_until(f"{shape.web}/healthz/live", "gunicorn")
            continue
        output = shape.run(line)
        if "seed_demo" in line:
            # The demo reached the registry service over HTTP, and the command says so.
            assert f"registry at {shape.registry}" in output, output

    # The registry service itself now knows the demo head of family (asked over its API).
    person = requests.get(
        f"{shape.registry}/penduduk/{HEAD_NIK}",
        headers={"X-Api-Key": shape.env["DUKCAPIL_API_KEY"]},
        timeout=10,
    )
    assert person.status_code == 200
    assert person.json()["name"] == "BUDI SANTOSO"

    # When the participant logs in over the API and reads the bill.
    token = api(
        shape, "POST", "/api/v1/auth/token/", json={"nik": ARREARS_NIK, "password": DEMO_PASSWORD}
    )
    assert token.status_code == 201, token.text
    auth = {"Authorization": f"Bearer {token.json()['token']}"}
    family = api(shape, "GET", "/api/v1/me/family/", headers=auth).json()
    head = next(m for m in family["members"] if m["nik"] == ARREARS_NIK)
    assert head["status"]["status"] == "TIDAK_AKTIF"
    summary = api(shape, "GET", "/api/v1/me/bills/", headers=auth).json()["summary"]
    amount = summary["remaining"]["amount"]
    assert amount > 0

    # And the bank confirms the payment with a signed notification.
    body = json.dumps(
        {
            "transaction_id": f"TX-{uuid.uuid4().hex[:10]}",
            "virtual_account": summary["virtual_account"],
            "amount": amount,
            "paid_at": time.strftime(
                "%Y-%m-%dT%H:%M:%S+07:00", time.gmtime(time.time() + 7 * 3600)
            ),
        }
    ).encode()
    timestamp = str(int(time.time()))
    secret = shape.env["PAYMENT_CHANNEL_SECRETS"].split(":", 1)[1]
    notified = api(
        shape,
        "POST",
        "/api/v1/payments/notifications/",
        data=body,
        headers={
            "Content-Type": "application/json",
            "X-Channel-Id": "BANK_DEMO",
            "X-Timestamp": timestamp,
            "X-Signature": sign(secret=secret, timestamp=timestamp, raw_body=body),
        },
    )
    assert notified.status_code == 200, notified.text
    request_id = notified.headers["X-Request-ID"]

    # Then the worker makes the family AKTIF within seconds.
    deadline = time.monotonic() + 60
    statuses: list[str] = []
    while time.monotonic() < deadline:
        members = api(shape, "GET", "/api/v1/me/family/", headers=auth).json()["members"]
        statuses = [m["status"]["status"] for m in members if m["nik"] == ARREARS_NIK]
        if statuses == ["AKTIF"]:
            break
        time.sleep(0.5)
    assert statuses == ["AKTIF"], shape.log("make worker")

    # The worker logged the reactivation under the notification's request id (JSON lines).
    worker_lines = [
        json.loads(line) for line in shape.log("make worker").splitlines() if line.startswith("{")
    ]
    assert any(
        entry.get("request_id") == request_id and "payments.tasks.reactivate" in entry["message"]
        for entry in worker_lines
    ), shape.log("make worker")[-3000:]
    # Beat said what it will run.
    assert "reactivation-sweep" in shape.log("make beat")

    # /healthz: every dependency up, each with its latency.
    health = api(shape, "GET", "/healthz")
    assert health.status_code == 200
    checks = health.json()["checks"]
    assert {name: check["status"] for name, check in checks.items()} == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "registry": "ok",
    }
    assert all(check["latency_ms"] >= 0 for check in checks.values())

    # /metrics: the web's requests by view and status and the worker's task, in one scrape.
    metrics = api(shape, "GET", "/metrics").text
    assert re.search(
        r'django_http_responses_total_by_status_view_method_total\{method="POST",status="200",'
        r'view="api-payment-notifications"\} 1\.0',
        metrics,
    ), metrics[:4000]
    assert re.search(
        r'celery_tasks_total\{state="SUCCESS",task="payments.tasks.reactivate"\} [1-9]', metrics
    ), metrics[-4000:]
    assert "jkn_reactivations_pending 0.0" in metrics

    assert time.monotonic() - started < 150
