"""`make bench`: how fast the participant API answers with 100000 families in PostgreSQL.

Steps: create the database if missing, migrate, seed the demo data and 100000 synthetic
families if they are not there yet, make Bearer tokens for 1000 different family heads,
count the SQL queries of one request in-process, start gunicorn (2 workers, DEBUG off), then
drive GET /api/v1/me/family/ from 50 concurrent clients for a fixed time and print requests/s,
p50/p99 latency, errors and queries per request, with notes on the (shared, noisy) machine.
The table is also written to bench/out/latest.txt.

Load generator: wrk (Debian package, installed with apt-get when missing and possible), with
bench/me_family.lua rotating the tokens; otherwise an asyncio client in this process. Both
run on the same 2 cores as the server, so their CPU time is measured and printed.

Everything talks to 127.0.0.1 only. Tokens made here expire after an hour and are deleted at
the end. Run: `.venv/bin/python bench/run.py [--duration 30] [--families 100000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
LUA_SCRIPT = ROOT / "bench" / "me_family.lua"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jkn_bench"
FAMILY_PATH = "/api/v1/me/family/"
TOKEN_PATH = "/api/v1/auth/token/"
DEMO_PASSWORD = "Jkn-demo-2026"
MAX_DURATION = 120
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


# --- machine ----------------------------------------------------------------------------------


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def process_cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (and of their finished children), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        parts = stat.rsplit(")", 1)[1].split()
        # Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime), here from index 11.
        total += sum(int(x) for x in parts[11:15])
    return total / ticks


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- database, migrations, seed ---------------------------------------------------------------


def ensure_database(url: str) -> str:
    """Create the benchmark database if it does not exist. Returns 'created' or 'exists'."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
    }
    try:
        psycopg2.connect(dbname=name, **params).close()
        return "exists"
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    return "created"


def server_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FAST_PASSWORD_HASHER"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "jkn_portal.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            # Throwaway key, made for this run only.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Logins come from one address in a burst: no lockout, no login throttle.
            "AXES_ENABLED": "0",
            "TOKEN_THROTTLE_RATE": "1000000/min",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    # DEBUG off without collectstatic: WhiteNoise warns, and the API serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def migrate_and_seed(families: int, seed: int, log) -> dict[str, object]:
    from django.core.management import call_command

    from demo.synthetic import seed_synthetic_families, synthetic_family_count
    from families.models import FamilyCard
    from participants.models import Facility, Participant

    call_command("migrate", interactive=False, verbosity=0)
    if not Facility.objects.exists():
        log("no FKTP facility yet: running seed_demo")
        call_command("seed_demo", verbosity=0)
    existing = synthetic_family_count()
    info: dict[str, object] = {"synthetic_before": existing}
    if existing >= families:
        log(f"{existing} synthetic families present: nothing to seed")
        info["seed_seconds"] = None
    else:
        log(f"seeding {families - existing} synthetic families ({existing} present)")
        started = time.perf_counter()
        last = [0]

        def progress(done: int, total: int) -> None:
            if done - last[0] >= 10_000 or done == total:
                last[0] = done
                elapsed = time.perf_counter() - started
                log(f"  {done}/{total} families, {done / elapsed:.0f}/s, {elapsed:.0f}s")

        info["seeded"] = seed_synthetic_families(count=families, seed=seed, progress=progress)
        info["seed_seconds"] = time.perf_counter() - started
    info["families"] = FamilyCard.objects.count()
    info["participants"] = Participant.objects.count()
    return info


# --- tokens and query counts ------------------------------------------------------------------


@dataclass
class Login:
    user_id: int
    nik: str
    family_size: int
    token: str = ""
    token_pk: str = ""


def make_tokens(count: int) -> list[Login]:
    """Bearer tokens for `count` different synthetic family heads spread over the table,
    made directly with knox (a login verifies Argon2, which is measured separately)."""
    from django.db import transaction
    from django.db.models import Count, Q
    from knox.models import AuthToken

    from demo.synthetic import CARD_PREFIX, synthetic_family_count
    from participants.models import Participant

    total = synthetic_family_count()
    count = min(count, total)
    indexes = [i * total // count for i in range(count)]
    cards = [f"{CARD_PREFIX}{i:010d}00" for i in indexes]
    heads = list(
        Participant.objects.filter(card_number__in=cards, user__isnull=False)
        .select_related("user")
        .annotate(
            size=Count(
                "memberships__family__memberships",
                filter=Q(memberships__family__memberships__valid_to__isnull=True),
            )
        )
        .order_by("card_number")
    )
    logins = [Login(h.user.pk, h.nik or "", h.size) for h in heads if h.user is not None]
    users = {h.user.pk: h.user for h in heads if h.user is not None}
    with transaction.atomic():
        for login in logins:
            instance, token = AuthToken.objects.create(users[login.user_id], timedelta(hours=1))
            login.token, login.token_pk = token, instance.pk
    return logins


def delete_tokens(logins: list[Login], since: datetime) -> int:
    from knox.models import AuthToken

    made_here = AuthToken.objects.filter(pk__in=[x.token_pk for x in logins if x.token_pk])
    by_login = AuthToken.objects.filter(user_id__in=[x.user_id for x in logins], created__gte=since)
    return made_here.delete()[0] + by_login.delete()[0]


def count_queries(logins: list[Login], sample: int) -> dict[str, object]:
    """SQL queries of one GET /api/v1/me/family/, in-process (Django test client), for a
    sample of participants of every family size."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    by_size: dict[int, list[Login]] = {}
    for login in logins:
        by_size.setdefault(login.family_size, []).append(login)
    chosen: list[Login] = []
    while len(chosen) < min(sample, len(logins)):
        before = len(chosen)
        for group in by_size.values():
            if group and len(chosen) < sample:
                chosen.append(group.pop())
        if len(chosen) == before:
            break
    counts: dict[int, list[int]] = {}
    for login in chosen:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(FAMILY_PATH, HTTP_AUTHORIZATION=f"Bearer {login.token}")
        if response.status_code != 200:
            raise SystemExit(
                f"GET {FAMILY_PATH} answered {response.status_code} in-process: "
                f"{response.content[:300]!r}"
            )
        counts.setdefault(login.family_size, []).append(len(ctx.captured_queries))
    flat = [n for ns in counts.values() for n in ns]
    return {
        "sample": len(flat),
        "median": statistics.median(flat),
        "min": min(flat),
        "max": max(flat),
        "by_family_size": {size: sorted(set(ns)) for size, ns in sorted(counts.items())},
    }


# --- server -----------------------------------------------------------------------------------


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


# --- load generators --------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def find_wrk(install: bool, log) -> str | None:
    found = shutil.which("wrk")
    if found or not install:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        log("wrk is missing and cannot be installed here (needs root and apt-get)")
        return None
    log("wrk is missing: apt-get install -y wrk")
    result = subprocess.run(  # noqa: S603 - fixed argument list
        ["apt-get", "install", "-y", "wrk"],  # noqa: S607
        capture_output=True,
        text=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    if result.returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True)  # noqa: S603,S607
        result = subprocess.run(  # noqa: S603
            ["apt-get", "install", "-y", "wrk"],  # noqa: S607
            capture_output=True,
            text=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    return shutil.which("wrk")


@dataclass
class LoadResult:
    client: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    error_detail: str
    client_cpu_seconds: float
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(wrk: str, port: int, tokens_file: Path, duration: int, connections: int) -> LoadResult:
    threads = 1 if cpu_count() <= 2 else 2
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - fixed argument list
        [
            wrk,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_SCRIPT),
            f"http://127.0.0.1:{port}{FAMILY_PATH}",
            "--",
            str(tokens_file),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # wait4 gives the CPU time that wrk itself used.
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read() if process.stdout else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    line = next((x for x in output.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed ({process.returncode}):\n{output}")
    data = json.loads(line.split(" ", 1)[1])
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return LoadResult(
        client=f"wrk ({threads} thread, {connections} connections)",
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6 or elapsed,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["non200"] + socket_errors,
        error_detail=(
            f"non-200 {data['non200']}, connect {data['connect']}, read {data['read']}, "
            f"write {data['write']}, timeout {data['timeout']}"
        ),
        client_cpu_seconds=usage.ru_utime + usage.ru_stime,
        extra={"max_ms": data["max_us"] / 1000, "p90_ms": data["p90_us"] / 1000},
    )


async def _python_load(
    port: int, tokens: list[str], duration: float, connections: int
) -> tuple[list[float], dict[str, int]]:
    """Raw HTTP/1.1 over asyncio streams; reconnects when the server closes (gunicorn sync
    workers close after every response)."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + duration
    requests = [
        (
            f"GET {FAMILY_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {t}\r\nAccept: application/json\r\n\r\n"
        ).encode()
        for t in tokens
    ]

    async def client(offset: int) -> None:
        stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        n = offset
        while time.perf_counter() < deadline:
            n += 1
            started = time.perf_counter()
            try:
                if stream is None:
                    stream = await asyncio.open_connection("127.0.0.1", port)
                reader, writer = stream
                writer.write(requests[n % len(requests)])
                await writer.drain()
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                lines = head.decode("latin-1").split("\r\n")
                status = int(lines[0].split()[1])
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (x.partition(":") for x in lines[1:] if x)
                }
                await reader.readexactly(int(headers.get("content-length", "0")))
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors[f"HTTP {status}"] = errors.get(f"HTTP {status}", 0) + 1
                if headers.get("connection", "").lower() == "close":
                    writer.close()
                    stream = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                name = type(exc).__name__
                errors[name] = errors.get(name, 0) + 1
                if stream is not None:
                    stream[1].close()
                stream = None

    await asyncio.gather(*(client(i * 7919) for i in range(connections)))
    return latencies, errors


def run_python_client(port: int, tokens: list[str], duration: int, connections: int) -> LoadResult:
    cpu_before, started = time.process_time(), time.perf_counter()
    latencies, errors = asyncio.run(_python_load(port, tokens, duration, connections))
    elapsed = time.perf_counter() - started
    return LoadResult(
        client=f"python asyncio ({connections} connections, 1 process)",
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        errors=sum(errors.values()),
        error_detail=", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none",
        client_cpu_seconds=time.process_time() - cpu_before,
    )


# --- report -----------------------------------------------------------------------------------


def report(lines: list[str], title: str, rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [*rows]) for i in range(len(rows[0]))]
    lines.append(title)
    for n, row in enumerate(rows):
        lines.append(
            "  "
            + "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--duration", type=int, default=30, help=f"seconds, at most {MAX_DURATION}")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--logins", type=int, default=20, help="sequential logins to time")
    parser.add_argument(
        "--sync-participants",
        type=int,
        default=100_000,
        help="Dukcapil full-sync benchmark size (bench/sync.py); 0 skips it",
    )
    parser.add_argument(
        "--payment-reactivations",
        type=int,
        default=10_000,
        help="payments benchmark size (bench/payments.py); 0 skips it",
    )
    args = parser.parse_args()
    duration = max(1, min(args.duration, MAX_DURATION))

    OUT_DIR.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)

    host = urlsplit(args.database_url).hostname or ""
    if host not in LOCAL_HOSTS or not args.database_url.startswith("postgres"):
        raise SystemExit(f"refusing to seed a non-local or non-PostgreSQL database: {host!r}")
    load_at_start = load_average()
    started_at = datetime.now(UTC)
    log(f"machine: {cpu_count()} CPUs, load average {load_at_start}")
    log(f"database: {ensure_database(args.database_url)} ({args.database_url})")

    env = server_environment(args.database_url)
    setup_django(env)
    data = migrate_and_seed(args.families, args.seed, log)

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]

    logins: list[Login] = []
    server: Server | None = None
    try:
        log(f"making {args.tokens} Bearer tokens")
        logins = make_tokens(args.tokens)
        queries = count_queries(logins, sample=50)
        log(f"queries per request: {queries}")
        tokens_file = OUT_DIR / "tokens.txt"
        tokens_file.write_text("\n".join(x.token for x in logins) + "\n")
        tokens_file.chmod(0o600)
        connection.close()

        server = start_server(env, args.workers, args.worker_class)
        log(f"gunicorn on 127.0.0.1:{server.port}, {args.workers} {args.worker_class} workers")

        wrk = None if args.client == "python" else find_wrk(install=True, log=log)
        if args.client == "wrk" and not wrk:
            raise SystemExit("wrk requested but not available")
        tokens = [x.token for x in logins]

        def load(seconds: int) -> LoadResult:
            if wrk:
                return run_wrk(wrk, server.port, tokens_file, seconds, args.connections)
            return run_python_client(server.port, tokens, seconds, args.connections)

        log("warming up (3 s)")
        load(3)
        login_stats = measure_logins(server.port, logins[::-1], args.logins)
        log(f"logins: {login_stats}")

        load_before_run = load_average()
        server_pids = server.pids()
        pg_pids = pids_named("postgres")
        server_cpu, pg_cpu = process_cpu_seconds(server_pids), process_cpu_seconds(pg_pids)
        busy0, total0 = machine_cpu_ticks()
        log(f"driving GET {FAMILY_PATH}: {args.connections} clients, {duration} s")
        result = load(duration)
        busy1, total1 = machine_cpu_ticks()
        server_cpu = process_cpu_seconds(server_pids) - server_cpu
        pg_cpu = process_cpu_seconds(pg_pids) - pg_cpu
        machine_busy = (busy1 - busy0) / (total1 - total0) * 100 if total1 > total0 else 0
        server_errors = sum(
            1 for line in server.log_path.read_text().splitlines() if "Error" in line
        )
    finally:
        if server:
            server.stop()
        (OUT_DIR / "tokens.txt").unlink(missing_ok=True)
        if logins:
            log(f"deleted {delete_tokens(logins, started_at)} bench tokens")

    seed_note = (
        "already present"
        if data["seed_seconds"] is None
        else f"{data.get('seeded')} families seeded in {data['seed_seconds']:.1f} s"
    )
    lines = [
        f"JKN Portal benchmark, {started_at:%Y-%m-%d %H:%M} UTC",
        "",
        f"machine: {cpu_count()} CPUs ({cpu_model()}), load average (1/5/15 min) at start "
        f"{load_at_start}, before the run {load_before_run}, after {load_average()}",
        f"         CPU busy during the run: {machine_busy:.0f}% of all cores (every process "
        "on the machine; it is shared)",
        f"software: Python {platform.python_version()}, PostgreSQL {pg_version}, gunicorn "
        f"{args.workers} {args.worker_class} workers, DEBUG off",
        f"data: {data['families']} family cards, {data['participants']} participants "
        f"(synthetic families wanted: {args.families}; {seed_note})",
        f"client: {result.client}, {duration} s, {len(logins)} distinct participants' tokens",
        f"CPU seconds during the run: server {server_cpu:.1f}, PostgreSQL {pg_cpu:.1f}, "
        f"load client {result.client_cpu_seconds:.1f}",
        "",
    ]
    report(
        lines,
        "results",
        [
            ["endpoint", "requests", "req/s", "p50 ms", "p99 ms", "errors", "queries/req"],
            [
                f"GET {FAMILY_PATH} ({args.connections} clients)",
                str(result.requests),
                f"{result.rps:.1f}",
                f"{result.p50_ms:.1f}",
                f"{result.p99_ms:.1f}",
                str(result.errors),
                f"{queries['median']:g}",
            ],
            [
                f"POST {TOKEN_PATH} (1 client, sequential)",
                str(login_stats["requests"]),
                f"{login_stats['rps']:.1f}",
                f"{login_stats['p50_ms']:.1f}",
                f"{login_stats['p99_ms']:.1f}",
                str(login_stats["errors"]),
                "-",
            ],
        ],
    )
    lines += [
        "",
        f"errors: {result.error_detail}; server log lines with 'Error': {server_errors}",
        f"queries per request (in-process, Django test client, {queries['sample']} "
        f"participants): median {queries['median']:g}, min {queries['min']}, max "
        f"{queries['max']}; by family size {queries['by_family_size']}",
    ]
    if args.sync_participants:
        # Dukcapil full sync (bench/sync.py): on a copy of this database, which needs no
        # other session on it.
        from django.db import connections
        from sync import run_sync_bench

        connections.close_all()
        lines += run_sync_bench(
            database_url=args.database_url, participants=args.sync_participants, log=log
        )
    if args.payment_reactivations:
        # Payments (bench/payments.py): billing, reactivations and notification to AKTIF
        # through a Celery worker; it leaves the database as it found it. Loaded by path:
        # "payments" is also the Django app's name.
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "bench_payments", ROOT / "bench" / "payments.py"
        )
        bench_payments = importlib.util.module_from_spec(spec)
        sys.modules["bench_payments"] = bench_payments
        spec.loader.exec_module(bench_payments)
        lines += bench_payments.report_lines(
            bench_payments.run(env=env, log=log, reactivations=args.payment_reactivations)
        )
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    (OUT_DIR / "latest.txt").write_text(text)


if __name__ == "__main__":
    main()
