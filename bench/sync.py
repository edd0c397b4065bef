"""`make bench`, Dukcapil part: full-sync throughput over 100000 participants, with the mock
registry as its own service on loopback.

Steps:
1. Copy the benchmark database (CREATE DATABASE ... TEMPLATE) and ANALYZE it, so the sync's
   writes never change the data the other benchmark rows read, and every run starts from the
   same state.
2. Export the first N participants (whole families, in the order the sync takes them) as
   JSON lines and give them to a fresh registry (SQLite) with `registry_load`. A small,
   fixed share differs on purpose so the write paths run too: 2% letter case (applied
   automatically), 0.5% name, 0.2% birth date, 0.1% unknown NIK, 0.1% deceased, 0.1% moved
   KK, and a newborn on 0.2% of the KKs.
3. Serve the registry with gunicorn (2 workers) on 127.0.0.1.
4. `manage.py dukcapil_sync --start-only --limit N` plans the run; W processes of
   `manage.py dukcapil_sync` share it (claiming chunks), like W Celery workers would.
5. Report participants/s, the run's counts, and CPU seconds per process group.

Run alone: `.venv/bin/python bench/sync.py [--participants 100000] [--workers 2]`; bench/run.py
calls `run_sync_bench` after its own rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jkn_bench"
PY = sys.executable


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_params(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": parts.path.lstrip("/"),
    }


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def copy_database(source_url: str, copy_name: str, log) -> str:
    """A fresh copy of the benchmark database (no session may use the source meanwhile)."""
    import psycopg2
    from psycopg2 import sql

    params = _db_params(source_url)
    source = params.pop("dbname")
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy_name)))
            for _attempt in range(5):
                try:
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(copy_name), sql.Identifier(source)
                        )
                    )
                    break
                except psycopg2.errors.ObjectInUse:
                    time.sleep(3)
            else:
                # Someone else uses the source: copy a snapshot with pg_dump instead (slower).
                log(f"{source} is in use: copying it with pg_dump | pg_restore")
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(copy_name)))
                _dump_restore(source_url, _with_db(source_url, copy_name))
    finally:
        conn.close()
    copy = psycopg2.connect(dbname=copy_name, **params)
    copy.autocommit = True
    try:
        with copy.cursor() as cur:
            # Planner statistics, as autovacuum keeps them on a live database (the seed's
            # bulk inserts leave them stale, and the plans then go wrong).
            cur.execute("ANALYZE")
    finally:
        copy.close()
    return _with_db(source_url, copy_name)


def _dump_restore(source_url: str, target_url: str) -> None:
    dump = subprocess.Popen(
        ["pg_dump", "--format=custom", "--no-owner", f"--dbname={source_url}"],
        stdout=subprocess.PIPE,
    )
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--jobs=1", f"--dbname={target_url}"],
        stdin=dump.stdout,
        check=False,
    )
    if dump.stdout:
        dump.stdout.close()
    if dump.wait() != 0 or restore.returncode != 0:
        raise SystemExit("pg_dump | pg_restore of the benchmark database failed")


def drop_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    params = _db_params(url)
    name = params.pop("dbname")
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        conn.close()


@dataclass
class Export:
    participants: int
    families: int
    differences: dict[str, int]


def export_registry(database_url: str, limit: int, path: Path) -> Export:
    """The first `limit` live participants, whole families in family id order (as the sync
    plans its chunks), as registry JSON lines, with a fixed share of deliberate differences."""
    import psycopg2

    conn = psycopg2.connect(**_db_params(database_url))
    try:
        with conn.cursor(name="export") as cur:
            cur.itersize = 20000
            cur.execute(
                """
                SELECT m.family_id, f.number, f.address, f.district_id, m.relationship,
                       p.nik, p.name, p.birth_place, p.birth_date, p.sex
                FROM families_familymembership m
                JOIN participants_participant p ON p.id = m.participant_id
                JOIN families_familycard f ON f.id = m.family_id
                WHERE m.valid_to IS NULL AND p.retired_at IS NULL
                ORDER BY m.family_id, p.id
                """
            )
            families: list[dict] = []
            current: dict | None = None
            total = 0
            for fid, number, address, district, rel, nik, name, place, birth, sex in cur:
                if current is None or current["id"] != fid:
                    if total >= limit:
                        break
                    current = {
                        "id": fid,
                        "kk_number": number,
                        "address": address,
                        "district": district,
                        "members": [],
                    }
                    families.append(current)
                current["members"].append((rel, nik, name, place, birth, sex))
                total += 1
    finally:
        conn.close()

    counts = {k: 0 for k in ("case", "name", "birth", "unknown", "dead", "moved", "newborn")}
    index = 0
    with path.open("w", encoding="utf-8") as out:
        for fnum, fam in enumerate(families):
            listed = []
            for rel, nik, name, place, birth, sex in fam["members"]:
                index += 1
                if not nik:
                    continue
                person = {
                    "type": "person",
                    "nik": nik,
                    "name": name,
                    "birth_place": place or "-",
                    "birth_date": birth.isoformat(),
                    "sex": sex,
                    "address": fam["address"],
                    "date_of_death": None,
                }
                if index % 1000 == 13:
                    counts["unknown"] += 1
                    continue
                if index % 50 == 1:
                    person["name"], counts["case"] = name.upper(), counts["case"] + 1
                elif index % 200 == 7:
                    person["name"], counts["name"] = f"{name} Saputra", counts["name"] + 1
                elif index % 500 == 11:
                    person["birth_date"] = (birth + dt.timedelta(days=1)).isoformat()
                    counts["birth"] += 1
                elif index % 1000 == 17:
                    person["date_of_death"] = "2026-10-01"
                    counts["dead"] += 1
                out.write(json.dumps(person) + "\n")
                if index % 1000 == 19 and rel != "KEPALA":
                    counts["moved"] += 1
                    out.write(
                        json.dumps(
                            {
                                "type": "kk",
                                "kk_number": f"9{fam['kk_number'][1:10]}{index % 10**6:06d}",
                                "address": fam["address"],
                                "district_code": fam["district"],
                                "valid_from": "2026-10-01",
                                "members": [[nik, "KEPALA"]],
                            }
                        )
                        + "\n"
                    )
                    continue
                listed.append([nik, rel])
            if fnum % 500 == 250:
                baby = f"{fam['kk_number'][:6]}011126{5000 + fnum // 500:04d}"
                counts["newborn"] += 1
                out.write(
                    json.dumps(
                        {
                            "type": "person",
                            "nik": baby,
                            "name": "BAYI BARU",
                            "birth_place": "-",
                            "birth_date": "2026-11-01",
                            "sex": "L",
                            "address": fam["address"],
                            "date_of_death": None,
                        }
                    )
                    + "\n"
                )
                listed.append([baby, "ANAK"])
            out.write(
                json.dumps(
                    {
                        "type": "kk",
                        "kk_number": fam["kk_number"],
                        "address": fam["address"],
                        "district_code": fam["district"],
                        "valid_from": "2018-01-01",
                        "members": listed,
                    }
                )
                + "\n"
            )
    return Export(participants=total, families=len(families), differences=counts)


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


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in parts[11:15])
    return total / ticks


def _pids(parent: int) -> list[int]:
    found = [parent]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError):
                continue
            if ppid == parent:
                found.append(int(entry.name))
    return found


def _postgres_pids() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


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

        port = _free_port()
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
        registry_pids = _pids(registry.pid)
        pg_pids = _postgres_pids()
        cpu_registry, cpu_pg = _cpu_seconds(registry_pids), _cpu_seconds(pg_pids)
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
        cpu_registry = _cpu_seconds(registry_pids) - cpu_registry
        cpu_pg = _cpu_seconds(pg_pids) - cpu_pg
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
        "Dukcapil full sync (bench/sync.py): registry = gunicorn 2 workers, SQLite, on loopback;",
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


def _run_summary(url: str) -> dict[str, object]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=1000)
    args = parser.parse_args()
    host = urlsplit(args.database_url).hostname or ""
    if host not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"refusing a non-local database: {host!r}")
    lines = run_sync_bench(
        database_url=args.database_url,
        participants=args.participants,
        workers=args.workers,
        chunk_size=args.chunk_size,
        log=lambda m: print(f"[bench-sync {time.strftime('%H:%M:%S')}] {m}", flush=True),
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
