"""VClaim rows of `make bench` (called by bench/run.py against its server; or alone, with a
server of its own: `.venv/bin/python -m bench.vclaim [--seconds 10] [--families 2000]`).

Issue 13's targets: signed lookups per second through gunicorn (2 workers) at least 35% of the
framework floor measured in the same run on the same server, and p99 under 50 ms at a fixed
arrival rate of 100 lookups/s. The rows:
1. floor: `GET /vclaim-rest/Peserta/nokartu/{card}/tglSEP/{date}` without credentials, the same
   path, middleware and view, answered (metaData 401) before any database work;
2. lookups: the same path signed (HMAC per second of the run, made in advance), over 1000
   different card numbers, closed loop (wrk, the same connections as the family row);
3. open loop: 100 lookups/s at fixed send times for the run's length (Python threads, latency
   counted from the planned send time, so a slow answer cannot hide the queue behind it);
4. in-process costs per lookup: LZ-string compression, AES encryption, the whole view
   (Django test client) and its SQL queries, for a card's first lookup (which also fills the
   shared cache, so rows 2 and 3 measure lookups of cards asked before) and again.

The rate limit stays on (its cache round trip is part of the cost) with a limit the run cannot
reach (ELIGIBILITY_RATE_LIMIT in bench.database.server_environment). Each lookup writes its
row to the lookup log, as in production; the rows this run wrote are deleted at the end. A
credential `BENCH_CONSUMER_ID` is issued (or given a new secret) for the run.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import random
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import OUT_DIR, cpu_count, cpu_model, load_average, report
from bench.load import LoadResult, OpenLoop, alternate, open_loop_planned, run_wrk_script

SCRIPT = Path(__file__).with_name("vclaim.lua")
BASE = "/vclaim-rest/"
BENCH_CONSUMER_ID = "99901"


@dataclass
class Setup:
    consumer_id: str
    secret: str
    user_key: str
    cards: list[str]
    service_date: str
    started_at: datetime


def signature(consumer_id: str, secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{consumer_id}&{timestamp}".encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def prepare(sample: int = 1000) -> Setup:
    """Django set up against the benchmark database."""
    from django.utils import timezone

    from core.models import BranchOffice
    from participants.selectors import live_participants
    from vclaim.models import FacilityCredential
    from vclaim.services import facility_credential_create, facility_credential_rotate

    existing = FacilityCredential.objects.filter(consumer_id=BENCH_CONSUMER_ID).first()
    if existing:
        issued = facility_credential_rotate(credential=existing, actor=None, new_user_key=True)
    else:
        issued = facility_credential_create(
            name="Bench SIMRS",
            branch=BranchOffice.objects.order_by("code")[0],
            actor=None,
            consumer_id=BENCH_CONSUMER_ID,
        )
    ids = list(live_participants().values_list("card_number", flat=True)[:200_000])
    cards = random.Random(13).sample(ids, min(sample, len(ids)))
    assert issued.user_key is not None
    return Setup(
        BENCH_CONSUMER_ID,
        issued.secret,
        issued.user_key,
        cards,
        timezone.localdate().isoformat(),
        datetime.now(UTC),
    )


def in_process_costs(setup: Setup, samples: int = 200) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from vclaim.protocol import compress, encrypt, response_key

    client = Client(HTTP_HOST="127.0.0.1")  # ALLOWED_HOSTS of the benchmark server

    def lookup(card: str) -> tuple[float, int]:
        ts = str(int(time.time()))
        headers = {
            "X-cons-id": setup.consumer_id,
            "X-timestamp": ts,
            "X-signature": signature(setup.consumer_id, setup.secret, ts),
        }
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(f"{BASE}Peserta/nokartu/{card}/tglSEP/{setup.service_date}", headers=headers)
            elapsed = time.perf_counter() - started
        return elapsed, len(ctx.captured_queries)

    # Every card's first lookup (the answer computed, then kept in the shared cache, so the
    # server's rows measure lookups again), then `samples` of them again.
    first = [lookup(card) for card in setup.cards]
    again = [lookup(card) for card in setup.cards[:samples]]
    timings, queries = [t for t, _ in first], [q for _, q in first]
    # A typical peserta document, as the view builds it.
    from participants.status import derive_status
    from vclaim.documents import peserta_document
    from vclaim.selectors import participant_for_lookup

    match = participant_for_lookup(card_number=setup.cards[0])
    assert match is not None
    day = datetime.fromisoformat(setup.service_date).date()
    document = peserta_document(
        match.participant,
        result=derive_status(match.participant, on=day),
        service_date=day,
        today=day,
        asked_by_nik=False,
        relationship=match.relationship,
        is_main=match.is_main,
    )
    key = response_key(consumer_id=setup.consumer_id, secret=setup.secret, timestamp="1")
    n = 2000
    started = time.perf_counter()
    for _ in range(n):
        compressed = compress(document)
    compress_s = (time.perf_counter() - started) / n
    started = time.perf_counter()
    for _ in range(n):
        encrypt(compressed, key=key)
    encrypt_s = (time.perf_counter() - started) / n
    return {
        "view_ms": statistics.median(timings) * 1000,
        "queries": statistics.median(queries),
        "view_again_ms": statistics.median(t for t, _ in again) * 1000,
        "queries_again": statistics.median(q for _, q in again),
        "compress_us": compress_s * 1e6,
        "encrypt_us": encrypt_s * 1e6,
        "document_chars": len(str(document)),
    }


def closed_loop(
    wrk: str, port: int, setup: Setup, seconds: int, connections: int, *, floor: bool
) -> LoadResult:
    cards_file = OUT_DIR / "vclaim-cards.txt"
    sig_file = OUT_DIR / "vclaim-signatures.txt"
    cards_file.write_text("\n".join(setup.cards) + "\n")
    now = int(time.time())
    sig_file.write_text(
        "".join(
            f"{ts} {signature(setup.consumer_id, setup.secret, str(ts))}\n"
            for ts in range(now - 5, now + seconds + 120)
        )
    )
    sig_file.chmod(0o600)
    try:
        return run_wrk_script(
            wrk,
            f"http://127.0.0.1:{port}{BASE}",
            SCRIPT,
            [
                str(cards_file),
                str(sig_file),
                setup.consumer_id,
                setup.user_key,
                setup.service_date,
                "floor" if floor else "signed",
            ],
            seconds,
            connections,
        )
    finally:
        sig_file.unlink(missing_ok=True)


def open_loop(port: int, setup: Setup, seconds: int, rate: float = 100.0) -> OpenLoop:
    """Lookups planned at t0 + i/rate, each signed when sent (bench.load.open_loop_planned)."""

    def request(i: int) -> tuple[str, dict[str, str]]:
        ts = str(int(time.time()))
        card = setup.cards[i % len(setup.cards)]
        return f"{BASE}Peserta/nokartu/{card}/tglSEP/{setup.service_date}", {
            "X-cons-id": setup.consumer_id,
            "X-timestamp": ts,
            "X-signature": signature(setup.consumer_id, setup.secret, ts),
            "user_key": setup.user_key,
        }

    return open_loop_planned(
        port, seconds, rate, request, lambda status, body: b'"code": "200"' in body
    )


def delete_log_rows(setup: Setup) -> int:
    from participants.models import EligibilityLookup

    deleted, _ = EligibilityLookup.objects.filter(
        account__username=f"vclaim-{setup.consumer_id}", asked_at__gte=setup.started_at
    ).delete()
    return deleted


def run(*, port: int, wrk: str | None, seconds: int, connections: int, log) -> list[str]:
    """The VClaim rows against the running server on `port` (Django set up in-process)."""
    from django.db import connection

    setup = prepare()
    log(f"vclaim: credential {setup.consumer_id}, {len(setup.cards)} card numbers")
    costs = in_process_costs(setup)
    log(f"vclaim: in-process {costs}")
    connection.close()
    lines: list[str] = []
    floor: LoadResult | None = None
    lookups: LoadResult | None = None
    try:
        if wrk:
            log(
                f"vclaim: floor (unsigned) and signed lookups in turn, {connections} clients, "
                f"{seconds} s each"
            )
            pair = alternate(
                {
                    "floor": lambda s: closed_loop(wrk, port, setup, s, connections, floor=True),
                    "lookups": lambda s: closed_loop(wrk, port, setup, s, connections, floor=False),
                },
                seconds,
            )
            floor, lookups = pair["floor"], pair["lookups"]
        else:
            log("vclaim: wrk missing: closed-loop rows skipped")
        log(f"vclaim: open loop, 100 lookups/s, {seconds} s")
        fixed = open_loop(port, setup, seconds)
    finally:
        log(f"vclaim: deleted {delete_log_rows(setup)} lookup-log rows of this run")
    rows = [["VClaim row", "requests", "req/s", "p50 ms", "p99 ms", "errors", "of floor"]]
    if floor and lookups:
        rows.append(
            [
                f"floor: unsigned GET {BASE}Peserta/... ({connections} clients)",
                str(floor.requests),
                f"{floor.rps:.1f}",
                f"{floor.p50_ms:.1f}",
                f"{floor.p99_ms:.1f}",
                str(floor.errors),
                "100%",
            ]
        )
        rows.append(
            [
                f"signed lookups ({connections} clients)",
                str(lookups.requests),
                f"{lookups.rps:.1f}",
                f"{lookups.p50_ms:.1f}",
                f"{lookups.p99_ms:.1f}",
                str(lookups.errors),
                f"{lookups.rps / floor.rps * 100:.0f}%" if floor.rps else "-",
            ]
        )
    rows.append([*fixed.cells(f"signed lookups, open loop {fixed.rate:g}/s"), "-"])
    lines.append("")
    report(lines, "VClaim facade (issue 13; targets: >= 35% of floor, p99 < 50 ms at 100/s)", rows)
    lines += [
        f"  open loop: max {fixed.max_ms:.1f} ms; the client itself fell behind schedule by "
        f"{fixed.late_ms:.1f} ms (p99), counted in the latency",
        f"  per lookup in-process (Django test client, median): first lookup of a card "
        f"{costs['view_ms']:.2f} ms, {costs['queries']:g} SQL queries; again (answer kept) "
        f"{costs['view_again_ms']:.2f} ms, {costs['queries_again']:g} SQL queries; "
        f"LZ-string {costs['compress_us']:.0f} us and AES "
        f"{costs['encrypt_us']:.0f} us for a {costs['document_chars']:.0f}-character document",
    ]
    return lines


def main() -> None:
    from bench.common import DEFAULT_DATABASE_URL
    from bench.database import ensure_database, migrate_and_seed, server_environment, setup_django
    from bench.load import find_wrk
    from bench.server import start_server

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    def log(message: str) -> None:
        print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log(f"machine: {cpu_count()} CPUs ({cpu_model()}), load average {load_average()}")
    log(f"database: {ensure_database(args.database_url)} ({args.database_url})")
    env = server_environment(args.database_url)
    setup_django(env)
    data = migrate_and_seed(args.families, 2026, log)
    from django.db import connection

    connection.close()
    server = start_server(env, args.workers, "sync")
    try:
        lines = run(
            port=server.port,
            wrk=find_wrk(install=True, log=log),
            seconds=args.seconds,
            connections=args.connections,
            log=log,
        )
    finally:
        server.stop()
    print(
        f"\n{data['participants']} participants; load average after {load_average()}\n"
        + "\n".join(lines)
    )
