"""`make bench`: how fast the participant API answers with 100000 families in PostgreSQL.

Steps: create the database if missing, migrate, seed the demo data and 100000 synthetic
families if they are not there yet, make Bearer tokens for 1000 different family heads,
count the SQL queries of one request in-process, start gunicorn (2 workers, DEBUG off), then
drive GET /api/v1/me/family/ from 50 concurrent clients for a fixed time and print requests/s,
p50/p99 latency, errors and queries per request, with notes on the (shared, noisy) machine.
Beside it, on the same server in the same run (bench/reads.py): the framework floor (the
same URL without a token; the pages' login redirect), the Info Peserta and bills pages and the
eligibility lookup, each with its share of the floor, and an open-loop row (locust at a fixed
arrival rate). The table is also written to bench/out/latest.txt.

Load generator: wrk (Debian package, installed with apt-get when missing and possible), with
bench/requests.lua rotating the tokens; otherwise an asyncio client in this process (the
family row only). Both run on the same 2 cores as the server, so their CPU time is measured
and printed.

Everything talks to 127.0.0.1 only. Tokens made here expire after an hour and are deleted at
the end. Run: `.venv/bin/python -m bench.run [--duration 30] [--families 100000]` (or
`bench/run.py` by path).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit

if __package__ in (None, ""):
    # Run by path (`python bench/run.py`): import the bench package from the project root,
    # not this folder's modules by their bare names.
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from bench import reads
from bench.common import (
    DEFAULT_DATABASE_URL,
    FAMILY_PATH,
    LOCAL_HOSTS,
    MAX_DURATION,
    OUT_DIR,
    TOKEN_PATH,
    cpu_count,
    cpu_model,
    load_average,
    machine_cpu_ticks,
    pids_named,
    process_cpu_seconds,
    report,
)
from bench.database import ensure_database, migrate_and_seed, server_environment, setup_django
from bench.load import (
    LoadResult,
    alternate,
    find_wrk,
    run_python_client,
    run_wrk,
    write_requests,
)
from bench.load import OpenLoop as LoadOpenLoop
from bench.server import Server, measure_logins, start_server
from bench.tokens import Login, count_queries, delete_tokens, make_tokens


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
        "--reads-seconds", type=int, default=15, help="each floor and read row (bench/reads.py)"
    )
    parser.add_argument("--open-loop-rate", type=int, default=100, help="family reads/s; 0 skips")
    parser.add_argument("--open-loop-seconds", type=int, default=20)
    parser.add_argument(
        "--sync-participants",
        type=int,
        default=100_000,
        help="Dukcapil full-sync benchmark size (bench/sync/); 0 skips it",
    )
    parser.add_argument(
        "--vclaim-seconds",
        type=int,
        default=20,
        help="VClaim facade rows (bench/vclaim/), per row, on the same server; 0 skips them",
    )
    parser.add_argument(
        "--payment-reactivations",
        type=int,
        default=10_000,
        help="payments benchmark size (bench/payments/); 0 skips it",
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
    from django.core.cache import cache

    cache.clear()  # the run starts cold: no answer kept from an earlier run

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg_version = cur.fetchone()[0]

    logins: list[Login] = []
    server: Server | None = None
    prepared: reads.Prepared | None = None
    read_results: dict[str, LoadResult] = {}
    fixed: reads.OpenLoop | None = None
    planned: LoadOpenLoop | None = None
    try:
        log(f"making {args.tokens} Bearer tokens")
        logins = make_tokens(args.tokens)
        queries = count_queries(logins, sample=50)
        log(f"queries per request: {queries}")
        tokens_file = write_requests(
            OUT_DIR / "tokens.txt",
            [(FAMILY_PATH, f"Authorization: Bearer {x.token}") for x in logins],
        )
        prepared = reads.prepare(logins, tokens_file)
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
        reads.warm_row(server.port, prepared, "family API read", log)
        login_stats = measure_logins(server.port, logins[::-1], args.logins)
        log(f"logins: {login_stats}")

        reads_seconds = max(1, min(args.reads_seconds, MAX_DURATION))
        load_before_run = load_average()
        server_pids = server.pids()
        pg_pids = pids_named("postgres")
        # CPU counted over the family read's own slices only (not its floor's).
        spent = {"server": 0.0, "postgres": 0.0, "busy": 0, "total": 0}

        def family_slice(seconds: int) -> LoadResult:
            server0, pg0 = process_cpu_seconds(server_pids), process_cpu_seconds(pg_pids)
            busy0, total0 = machine_cpu_ticks()
            measured = load(seconds)
            busy1, total1 = machine_cpu_ticks()
            spent["server"] += process_cpu_seconds(server_pids) - server0
            spent["postgres"] += process_cpu_seconds(pg_pids) - pg0
            spent["busy"] += busy1 - busy0
            spent["total"] += total1 - total0
            return measured

        if wrk:
            log(
                f"driving GET {FAMILY_PATH} and its floor in turn: {args.connections} clients, "
                f"{duration} s each"
            )
            floor_api = reads.floor_run(wrk, server.port, prepared, "floor: API", args.connections)
            pair = alternate({"floor: API": floor_api, "family": family_slice}, duration)
            result, read_results["floor: API"] = pair["family"], pair["floor: API"]
        else:
            log(f"driving GET {FAMILY_PATH}: {args.connections} clients, {duration} s")
            result = family_slice(duration)
        server_cpu, pg_cpu = spent["server"], spent["postgres"]
        machine_busy = spent["busy"] / spent["total"] * 100 if spent["total"] else 0
        server_errors = sum(
            1 for line in server.log_path.read_text().splitlines() if "Error" in line
        )
        if wrk:
            read_results |= reads.other_reads(
                wrk, server.port, prepared, reads_seconds, args.connections, log
            )
        if args.open_loop_rate:
            fixed = reads.open_loop(
                server.port, tokens_file, args.open_loop_seconds, args.open_loop_rate, log
            )
            planned = reads.planned_open_loop(
                server.port, tokens_file, args.open_loop_seconds, args.open_loop_rate, log
            )
        vclaim_lines: list[str] = []
        if args.vclaim_seconds:
            # The VClaim facade, with its floor, on this same server (bench/vclaim/).
            from bench import vclaim as bench_vclaim

            vclaim_lines = bench_vclaim.run(
                port=server.port,
                wrk=wrk,
                seconds=min(args.vclaim_seconds, MAX_DURATION),
                connections=args.connections,
                log=log,
            )
    finally:
        if server:
            server.stop()
        (OUT_DIR / "tokens.txt").unlink(missing_ok=True)
        if prepared:
            log(f"deleted {reads.cleanup(prepared)} of this run")
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
    api_floor = read_results.get("floor: API")
    page_floor = read_results.get("floor: pages (Info Peserta page)")
    rows = [["endpoint", "requests", "req/s", "p50 ms", "p99 ms", "errors", "queries", "of floor"]]
    if api_floor and page_floor:
        rows += [
            reads.row(f"floor: GET {FAMILY_PATH}, no token (401)", api_floor, api_floor),
            reads.row(
                f"floor: GET {reads.PAGE_FLOOR_PATH}, no session (302)", page_floor, page_floor
            ),
        ]
    rows.append(
        reads.row(
            f"GET {FAMILY_PATH} ({args.connections} clients)",
            result,
            api_floor,
            f"{queries['median']:g}",
        )
    )
    labels = {name: f"GET {path} ({name})" for name, path in reads.PAGES.items()}
    labels["eligibility lookup"] = f"GET {reads.ELIGIBILITY_PATH}?card_number= (facility)"
    for name, label in labels.items():
        if name in read_results:
            floor = read_results.get(f"{reads.FLOOR_OF[name]} ({name})")
            rows.append(reads.row(label, read_results[name], floor))
    if fixed:
        rows.append(reads.open_loop_row(fixed))
    if planned:
        rows.append(reads.planned_open_loop_row(planned))
    rows.append(
        [
            f"POST {TOKEN_PATH} (1 client, sequential)",
            str(login_stats["requests"]),
            f"{login_stats['rps']:.1f}",
            f"{login_stats['p50_ms']:.1f}",
            f"{login_stats['p99_ms']:.1f}",
            str(login_stats["errors"]),
            "-",
            "-",
        ]
    )
    report(
        lines,
        "results (of floor: req/s as a share of its floor, measured on this server in turn with "
        "the row, 3 slices each; "
        "issue 14's target >= 35% for the family read and the Info Peserta page, and p99 < 50 ms "
        "at 100/s open loop)",
        rows,
    )
    if fixed:
        lines.append(
            f"open loop: {fixed.tool} from PyPI, {fixed.rate} users at constant_throughput(1), "
            f"{fixed.seconds} s; max {fixed.max_ms:.0f} ms, failures {fixed.failures}"
        )
    if prepared and prepared.cold:
        lines.append(reads.cold_line(prepared))
    lines += [
        "",
        f"errors: {result.error_detail}; server log lines with 'Error': {server_errors}",
        f"queries per request (in-process, Django test client, {queries['sample']} "
        f"participants): median {queries['median']:g}, min {queries['min']}, max "
        f"{queries['max']}; by family size {queries['by_family_size']}",
    ]
    lines += vclaim_lines
    if args.sync_participants:
        # Dukcapil full sync (bench/sync/): on a copy of this database, which needs no
        # other session on it.
        from django.db import connections

        from bench.sync import run_sync_bench

        connections.close_all()
        lines += run_sync_bench(
            database_url=args.database_url, participants=args.sync_participants, log=log
        )
    if args.payment_reactivations:
        # Payments (bench/payments/): billing, reactivations and notification to AKTIF
        # through a Celery worker; it leaves the database as it found it.
        from bench import payments as bench_payments

        lines += bench_payments.report_lines(
            bench_payments.run(env=env, log=log, reactivations=args.payment_reactivations)
        )
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    (OUT_DIR / "latest.txt").write_text(text)


if __name__ == "__main__":
    main()
