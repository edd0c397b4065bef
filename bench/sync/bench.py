"""The Dukcapil full-sync benchmark: registry on loopback, W sync processes, the report."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import (
    DEFAULT_DATABASE_URL,
    OUT_DIR,
    ROOT,
    children_of,
    free_port,
    pids_named,
    process_cpu_seconds,
)

from .database import PY, _db_params, copy_database, drop_database
from .export import export_registry


def _registry_env(registry_db: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "DATABASE"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dukcapil_sync.registry.standalone_settings",
            "REGISTRY_DATABASE_URL": f"sqlite:///{registry_db}",
            "REGISTRY_API_KEYS": key,
            "REGISTRY_BATCH_LIMIT": "1000",
            "DJANGO_DEBUG": "0",
            "REGISTRY_SECRET_KEY": secrets.token_urlsafe(40),
            "REGISTRY_ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def run_sync_bench(
    *,
    database_url: str = DEFAULT_DATABASE_URL,
    participants: int = 100_000,
    workers: int = 2,
    chunk_size: int = 1000,
    log=print,
) -> list[str]:
    """Returns the report lines."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    var = ROOT / "var" / "bench-sync"
    var.mkdir(parents=True, exist_ok=True)
    copy_url = ""
    registry = None
    key = secrets.token_urlsafe(24)
    try:
        started = time.perf_counter()
        copy_url = copy_database(database_url, "jkn_bench_sync", log)
        log(f"copied the benchmark database in {time.perf_counter() - started:.1f} s")
        portal_env = {k: v for k, v in os.environ.items() if not k.startswith("DUKCAPIL")}
        portal_env.update(
            {
                "DJANGO_SETTINGS_MODULE": "jkn_portal.settings",
                "DATABASE_URL": copy_url,
                "DJANGO_DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(40),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "0",
                "LOG_LEVEL": "WARNING",
                "DUKCAPIL_API_KEY": key,
                "DUKCAPIL_BATCH_SIZE": "1000",
            }
        )
        subprocess.run(
            [PY, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=portal_env,
            check=True,
        )

        export_path = var / "registry.jsonl"
        started = time.perf_counter()
        export = export_registry(copy_url, participants, export_path)
        log(
            f"exported {export.participants} participants in {export.families} KK "
            f"({time.perf_counter() - started:.1f} s); deliberate differences {export.differences}"
        )
        registry_db = var / "registry.sqlite3"
        registry_db.unlink(missing_ok=True)
        renv = _registry_env(registry_db, key)
        started = time.perf_counter()
        subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=renv, check=True)
        subprocess.run(
            [PY, "manage.py", "registry_load", str(export_path), "--replace"],
            cwd=ROOT,
            env=renv,
            check=True,
        )
        log(f"registry loaded in {time.perf_counter() - started:.1f} s")

        port = free_port()
        gunicorn = Path(PY).with_name("gunicorn")
        registry = subprocess.Popen(
            [
                str(gunicorn),
                "dukcapil_sync.registry.wsgi:application",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=renv,
            stdout=(OUT_DIR / "registry.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/registry/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                if registry.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("registry did not start; see bench/out/registry.log") from None
                time.sleep(0.3)
        portal_env["DUKCAPIL_URL"] = url

        manage = [PY, "manage.py", "dukcapil_sync"]
        plan_started = time.perf_counter()
        subprocess.run(
            [
                *manage,
                "--start-only",
                "--limit",
                str(participants),
                "--chunk-size",
                str(chunk_size),
            ],
            cwd=ROOT,
            env=portal_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        plan_seconds = time.perf_counter() - plan_started
        load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
        registry_pids = [registry.pid, *children_of(registry.pid)]
        pg_pids = pids_named("postgres")
        cpu_registry, cpu_pg = process_cpu_seconds(registry_pids), process_cpu_seconds(pg_pids)
        log(f"planned the run in {plan_seconds:.1f} s; {workers} sync processes start")
        work_started = time.perf_counter()
        logs = [(OUT_DIR / f"sync-worker-{i}.log").open("w") for i in range(workers)]
        procs = [
            subprocess.Popen(manage, cwd=ROOT, env=portal_env, stdout=out, stderr=subprocess.STDOUT)
            for out in logs
        ]
        cpu_sync = 0.0
        for proc in procs:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu_sync += usage.ru_utime + usage.ru_stime
        work_seconds = time.perf_counter() - work_started
        cpu_registry = process_cpu_seconds(registry_pids) - cpu_registry
        cpu_pg = process_cpu_seconds(pg_pids) - cpu_pg
        for out in logs:
            out.close()

        run = _run_summary(copy_url)
    finally:
        if registry is not None and registry.poll() is None:
            registry.send_signal(signal.SIGTERM)
            try:
                registry.wait(timeout=20)
            except subprocess.TimeoutExpired:
                registry.kill()
        if copy_url:
            drop_database(copy_url)
        for leftover in ("registry.jsonl", "registry.sqlite3"):
            (var / leftover).unlink(missing_ok=True)

    total_seconds = plan_seconds + work_seconds
    rate = run["done"] / total_seconds if total_seconds else 0
    lines = [
        "",
        "Dukcapil full sync (bench/sync/): registry = gunicorn 2 workers, SQLite, on loopback;",
        f"  machine: {os.cpu_count()} CPUs, load average before {load_before}, after "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (shared: other work counts too)",
        f"  {workers} sync processes sharing one run, chunks of {chunk_size} participants "
        f"(whole families), batch requests of 1000 NIKs / KKs",
    ]
    rows = [
        ["run", "participants", "seconds", "participants/s", "differences", "applied", "errors"],
        [
            f"full sync, {workers} workers ({run['state']})",
            f"{run['done']}/{run['total']}",
            f"{total_seconds:.1f}",
            f"{rate:.0f}",
            str(run["differences"]),
            str(run["applied"]),
            str(run["errors"]),
        ],
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
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
    met = run["done"] >= 100_000 and total_seconds < 120
    lines += [
        f"  plan {plan_seconds:.1f} s + work {work_seconds:.1f} s; chunks {run['chunks']}; "
        f"target 100000 in < 120 s: {'met' if met else 'NOT met'}",
        f"  CPU seconds: sync processes {cpu_sync:.1f}, registry {cpu_registry:.1f}, "
        f"PostgreSQL {cpu_pg:.1f}",
        f"  deliberate differences in the registry: {export.differences}",
    ]
    return lines


def _run_summary(url: str) -> dict[str, Any]:
    import psycopg2

    conn = psycopg2.connect(**_db_params(url))
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT state, total, done, differences, applied, errors, chunks_total "
                "FROM dukcapil_sync_syncrun WHERE kind = 'FULL' ORDER BY id DESC LIMIT 1"
            )
            state, total, done, differences, applied, errors, chunks = cur.fetchone()
    finally:
        conn.close()
    return {
        "state": state,
        "total": total,
        "done": done,
        "differences": differences,
        "applied": applied,
        "errors": errors,
        "chunks": chunks,
    }
