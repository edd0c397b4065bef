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

Run alone: `.venv/bin/python -m bench.sync [--participants 100000] [--workers 2]`; bench/run.py
calls `run_sync_bench` after its own rows.
"""

from __future__ import annotations

import argparse
import os
import time
from urllib.parse import urlsplit

from bench.common import DEFAULT_DATABASE_URL

from .bench import run_sync_bench


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
