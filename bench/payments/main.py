"""Payments rows of `make bench` (called by bench/run.py; or alone:
`.venv/bin/python -m bench.payments`).

Against the benchmark database (100000 synthetic families, seeded by bench/run.py):
1. billing: the monthly billing job (in-process, chunks of 1000) for next month, every family;
2. reactivations: 10000 self-paying families are put one month in arrears, 10000 payments are
   credited through the payment service (their reactivations queue up in Redis, no worker
   running yet), then a Celery worker (prefork, concurrency 2: the machine has 2 cores)
   starts and drains the queue: reactivations/s from the first to the last `done_at`;
3. notification to AKTIF: gunicorn (2 workers) and the Celery workers running, 300 more
   families in arrears each get a signed notification POSTed at a steady rate; the time from
   sending it to the members' status change (cause PAYMENT) is the latency (median, p99).

The database is left as found: the families' facts and statuses are restored, and the bills,
payments, status changes and history rows the run made are deleted. Everything talks to
127.0.0.1 only; the channel secret is random per run.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import uuid
from datetime import UTC, datetime

from bench.common import DEFAULT_DATABASE_URL, cpu_count, cpu_model, load_average, report
from bench.database import ensure_database, migrate_and_seed, server_environment, setup_django

from .billing import bench_billing
from .latency import bench_latency
from .processes import _stop
from .reactivations import bench_reactivations
from .rows import CHANNEL, DEFAULT_REDIS_URL, Log, Result, Snapshot, _celery_to_broker, _restore


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(
    *,
    env: dict[str, str],
    log: Log,
    reactivations: int = 10_000,
    latency_samples: int = 300,
    rate: float = 10.0,
    redis_url: str | None = None,
    billing: bool = True,
) -> Result:
    """Django must be set up against the benchmark database (bench/run.py does it)."""
    from django.utils import timezone

    from payments.models import PaymentChannel

    redis_url = redis_url or os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    queue = f"bench-payments-{uuid.uuid4().hex[:6]}"
    secret = secrets.token_hex(32)
    PaymentChannel.objects.update_or_create(
        code=CHANNEL, defaults={"name": "Benchmark", "secret": secret, "is_active": True}
    )
    _celery_to_broker(redis_url, queue)
    child_env = {
        **env,
        "CELERY_BROKER_URL": redis_url,
        "PAYMENTS_QUEUE": queue,
        "REACTIVATION_SWEEP_AFTER_SECONDS": "3600",
    }
    result = Result()
    snapshots: list[Snapshot] = []
    # A SIGTERM (Ctrl-C of make, a timeout) still restores the database in `finally`.
    signal.signal(signal.SIGTERM, _interrupt)
    started = timezone.now()
    workers: list[subprocess.Popen] = []
    try:
        if billing:
            bench_billing(child_env, queue, log, result)
        workers = bench_reactivations(reactivations, child_env, queue, log, result, snapshots)
        bench_latency(latency_samples, rate, child_env, log, result, snapshots, secret)
    finally:
        _stop(workers)
        import redis

        redis.Redis.from_url(redis_url).delete(
            queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
        )
        if snapshots:
            _restore(snapshots, started, log)
    return result


def report_lines(result: Result) -> list[str]:
    """The payments table and notes, in bench/run.py's format."""
    lines: list[str] = [""]
    report(
        lines,
        "payments (bench/payments/)",
        [["what", "count", "time", "rate", "also"], *result.rows],
    )
    return [*lines, "", *result.notes]


def main() -> None:
    """Alone: the same setup as bench/run.py (database, migrations, 100000 families)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--reactivations", type=int, default=10_000)
    parser.add_argument("--latency-samples", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0, help="notifications per second")
    parser.add_argument("--skip-billing", action="store_true")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)

    log(f"machine: {cpu_count()} CPUs ({cpu_model()}), load {load_average()}")
    log(f"database: {ensure_database(args.database_url)} ({args.database_url})")
    env = server_environment(args.database_url)
    setup_django(env)
    migrate_and_seed(args.families, 2026, log)
    result = run(
        env=env,
        log=log,
        reactivations=args.reactivations,
        latency_samples=args.latency_samples,
        rate=args.rate,
        billing=not args.skip_billing,
    )
    lines = [
        f"machine: {cpu_count()} CPUs ({cpu_model()}), load average after {load_average()}",
        *report_lines(result),
    ]
    print("\n".join(lines))
