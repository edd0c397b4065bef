"""Payments rows of `make bench` (called by bench/run.py; or alone: `python bench/payments.py`).

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

import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
CHANNEL = "BENCH"
NOTIFY_PATH = "/api/v1/payments/notifications/"

Log = Callable[[str], None]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


@dataclass
class Result:
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Snapshot:
    """The chosen families' participant facts before the run, to put back afterwards."""

    family_ids: list[int]
    participant_ids: list[int]
    rows: list[tuple] = field(default_factory=list)


FACT_FIELDS = (
    "paid_through",
    "reactivated_on",
    "reactivation_arrears_months",
    "status",
    "status_reason",
    "status_changed_at",
)


def _celery_to_broker(redis_url: str, queue: str) -> None:
    """This process sends tasks to Redis (bench/run.py configures Django without a broker,
    which would run them in-process)."""
    from django.conf import settings

    from jkn_portal.celery import app

    settings.PAYMENTS_QUEUE = queue
    app.conf.update(broker_url=redis_url, task_always_eager=False)


def _choose_families(count: int, *, skip: set[int]) -> list[int]:
    from families.models import FamilyMembership

    ids = list(
        FamilyMembership.objects.filter(
            valid_to__isnull=True,
            is_main=True,
            participant__segment_id__in=["PBPU", "BP"],
            participant__card_number__startswith="9",  # synthetic families only
        )
        .order_by("family_id")
        .values_list("family_id", flat=True)
    )
    ids = [i for i in ids if i not in skip]
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} self-paying synthetic families, {count} needed")
    step = len(ids) / count
    return [ids[int(k * step)] for k in range(count)]


def _prepare_arrears(family_ids: list[int], log: Log) -> Snapshot:
    """One month of arrears plus this month unpaid, bills made, statuses TIDAK AKTIF."""
    from django.db import transaction
    from django.utils import timezone

    from families.models import FamilyMembership
    from participants.models import Participant
    from participants.status import month_index, month_start
    from payments.models import Bill, Payment, PaymentNotification, Reactivation
    from payments.services import bills_generate
    from payments.services.billing import rate_book, wage_book

    participant_ids = list(
        FamilyMembership.objects.filter(
            valid_to__isnull=True, family_id__in=family_ids
        ).values_list("participant_id", flat=True)
    )
    snapshot = Snapshot(family_ids, participant_ids)
    snapshot.rows = list(
        Participant.objects.filter(pk__in=participant_ids).values_list("pk", *FACT_FIELDS)
    )
    today = timezone.localdate()
    current = month_index(today)
    with transaction.atomic():
        _delete_payment_rows(family_ids)
        for chunk in _chunks(participant_ids, 5000):
            Participant.objects.filter(pk__in=chunk).update(
                paid_through=month_start(current - 2),
                reactivated_on=None,
                reactivation_arrears_months=0,
                status="TIDAK_AKTIF",
                status_reason="ARREARS",
                status_changed_at=timezone.now(),
            )
    book, wages = rate_book(), wage_book()
    made = 0
    for month in (month_start(current - 1), month_start(current)):
        for chunk in _chunks(family_ids, 1000):
            made += bills_generate(
                family_ids=chunk, month=month, on=today, rates=book.table(month), wages=wages
            )
    log(f"  {len(family_ids)} families ({len(participant_ids)} people) in arrears, {made} bills")
    assert not Payment.objects.filter(family_id__in=family_ids).exists()
    assert not (Reactivation.objects.filter(family_id__in=family_ids).exists())
    assert Bill.objects.filter(family_id__in=family_ids, state="OPEN").count() == made
    assert PaymentNotification.objects.filter(channel__code=CHANNEL).count() == 0
    return snapshot


def _delete_payment_rows(family_ids: list[int]) -> None:
    from payments.models import Bill, Payment, PaymentNotification, Reactivation

    for chunk in _chunks(family_ids, 5000):
        Bill.objects.filter(family_id__in=chunk).delete()
    PaymentNotification.objects.filter(channel__code=CHANNEL).delete()
    PaymentNotification.history.filter(channel_code=CHANNEL).delete()
    for chunk in _chunks(family_ids, 5000):
        Reactivation.objects.filter(family_id__in=chunk).delete()
        Payment.objects.filter(family_id__in=chunk).delete()
    Payment.history.filter(channel__code=CHANNEL).delete()


def _restore(snapshots: list[Snapshot], started: datetime, log: Log) -> None:
    from django.db import connection, transaction

    from participants.models import Participant, StatusChange

    with transaction.atomic():
        for snap in snapshots:
            _delete_payment_rows(snap.family_ids)
            # One UPDATE ... FROM UNNEST (bulk_update's CASE per row and field is slow here).
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE participants_participant AS p SET paid_through = v.paid_through, "
                    "reactivated_on = v.reactivated_on, "
                    "reactivation_arrears_months = v.months, status = v.status, "
                    "status_reason = v.reason, status_changed_at = v.changed "
                    "FROM UNNEST(%s::bigint[], %s::date[], %s::date[], %s::integer[], "
                    "%s::varchar[], %s::varchar[], %s::timestamptz[]) "
                    "AS v(id, paid_through, reactivated_on, months, status, reason, changed) "
                    "WHERE p.id = v.id",
                    [list(column) for column in zip(*snap.rows, strict=True)],
                )
            for chunk in _chunks(snap.participant_ids, 5000):
                StatusChange.objects.filter(
                    participant_id__in=chunk, changed_at__gte=started
                ).delete()
                Participant.history.filter(
                    id__in=chunk,
                    history_date__gte=started,
                    history_change_reason__startswith=CHANNEL,
                ).delete()
    log("  restored the families' facts and statuses; deleted the run's payment rows")


def _chunks(items: list[int], size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- 1. billing ---------------------------------------------------------------------------------


def bench_billing(env: dict[str, str], queue: str, log: Log, result: Result) -> None:
    """The beat task as production runs it: planned, fanned out in chunk tasks of 1000
    families, billed by a Celery worker (prefork, concurrency 2)."""
    from django.db.models import Count
    from django.utils import timezone

    from core.models import JobRun
    from participants.status import month_index, month_start
    from payments.models import Bill, BillLine
    from payments.tasks import generate_monthly_bills

    month = month_start(month_index(timezone.localdate()) + 1)
    name = f"billing {month:%Y-%m}"
    Bill.objects.filter(month=month).delete()  # left by an interrupted earlier run
    log(f"billing {month:%Y-%m} for every family: chunk tasks of 1000 through the worker")
    workers = _start_workers(env, queue, 1, log)
    try:
        before = JobRun.objects.filter(name=name).count()
        started = time.perf_counter()
        generate_monthly_bills.apply_async(args=[f"{month:%Y-%m}"], queue=queue)
        run = None
        last_log = time.monotonic()
        while True:
            runs = JobRun.objects.filter(name=name).order_by("pk")
            run = runs.last() if runs.count() > before else None
            if run and run.state != JobRun.State.RUNNING:
                break
            if time.perf_counter() - started > 900:
                raise SystemExit("billing did not finish within 15 minutes")
            if run and time.monotonic() - last_log > 15:
                log(f"  {run.done}/{run.total} families, {run.changed} bills")
                last_log = time.monotonic()
            time.sleep(0.2)
        wall = time.perf_counter() - started
    finally:
        _stop(workers)
    if run.state != JobRun.State.DONE:
        raise SystemExit(f"billing run {run.pk} {run.state}: {run.error}")
    seconds = (run.finished_at - run.started_at).total_seconds()
    lines = BillLine.objects.filter(bill__month=month).count()
    by_payer = dict(Bill.objects.filter(month=month).values_list("payer").annotate(n=Count("id")))
    log("  deleting the bench bills")
    Bill.objects.filter(month=month).delete()
    result.rows.append(
        [
            f"billing job, {run.done} families (worker)",
            f"{run.changed} bills",
            f"{seconds:.1f} s",
            f"{run.changed / seconds:.0f} bills/s",
            f"{run.done / seconds:.0f} families/s",
        ]
    )
    payers = ", ".join(f"{k} {v}" for k, v in sorted(by_payer.items()))
    result.notes.append(
        f"billing: {run.changed} bills ({payers}), {lines} bill lines, {seconds:.1f} s from "
        f"the job run's start to its end ({wall:.1f} s from sending the task); families "
        f"without a bill are paid ahead or have nobody billable; target < 60 s: "
        f"{'met' if seconds < 60 else 'NOT met'}"
    )


# --- workers and server ---------------------------------------------------------------------------


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
    return procs


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


# --- 2. reactivations through the worker ---------------------------------------------------


def bench_reactivations(
    count: int, env: dict[str, str], queue: str, log: Log, result: Result, snapshots: list
) -> list[subprocess.Popen]:
    from django.db.models import Max, Min

    from families.models import FamilyCard
    from payments.models import PaymentChannel, Reactivation

    channel = PaymentChannel.objects.get(code=CHANNEL)
    log(f"reactivations: {count} families one month in arrears")
    family_ids = _choose_families(count, skip=set())
    snapshots.append(_prepare_arrears(family_ids, log))
    families = FamilyCard.objects.in_bulk(family_ids)
    run_id = uuid.uuid4().hex[:8]
    log(f"  crediting {count} payments through the payment service, 2 processes (no worker yet)")
    due = _amounts_due(family_ids)
    started = time.perf_counter()
    _credit_in_processes(family_ids, families, due, channel, run_id, processes=2, log=log)
    credit_seconds = time.perf_counter() - started
    pending = Reactivation.objects.filter(family_id__in=family_ids, state="PENDING").count()
    assert pending == count, f"{pending} reactivations pending, {count} expected"

    workers = _start_workers(env, queue, 1, log)
    _wait_applied(family_ids, log, stall_seconds=120)
    span = Reactivation.objects.filter(family_id__in=family_ids).aggregate(
        first=Min("done_at"), last=Max("done_at"), created=Min("created_at")
    )
    seconds = (span["last"] - span["first"]).total_seconds()
    rate = (count - 1) / seconds if seconds else float("nan")
    result.rows.append(
        [
            f"payments credited (service, 2 processes), {count}",
            f"{count} payments",
            f"{credit_seconds:.1f} s",
            f"{count / credit_seconds:.0f} payments/s",
            "-",
        ]
    )
    result.rows.append(
        [
            f"reactivations through the worker, {count}",
            f"{count} families",
            f"{seconds:.1f} s",
            f"{rate:.0f} reactivations/s",
            f"{rate * len(snapshots[-1].participant_ids) / count:.0f} members/s",
        ]
    )
    return workers


def _credit(family_ids, families, due, channel, run_id, log) -> None:
    from django.utils import timezone

    from payments.services import payment_credit

    today = timezone.localdate()
    started = time.perf_counter()
    for n, family_id in enumerate(family_ids, start=1):
        family = families[family_id]
        payment_credit(
            channel=channel,
            transaction_id=f"{CHANNEL}-{run_id}-{family_id}",
            family=family,
            virtual_account=family.virtual_account,
            amount=due[family_id],
            paid_at=timezone.now(),
            on=today,
        )
        if n % 2000 == 0:
            log(f"  {n}/{len(family_ids)} credited, {n / (time.perf_counter() - started):.0f}/s")


def _credit_in_processes(family_ids, families, due, channel, run_id, *, processes, log) -> None:
    """Like a bank's notifications arriving at 2 web workers: forked processes, each with
    its own database connection."""
    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    children = []
    for k in range(processes):
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                _credit(family_ids[k::processes], families, due, channel, run_id, log)
            except BaseException as exc:  # noqa: BLE001 - reported, then the child exits
                log(f"  crediting process failed: {exc!r}")
                code = 1
            finally:
                connections.close_all()
                os._exit(code)
        children.append(pid)
    failed = [pid for pid in children if os.waitpid(pid, 0)[1] != 0]
    if failed:
        raise SystemExit(f"{len(failed)} crediting processes failed")


def _wait_applied(family_ids: list[int], log: Log, *, stall_seconds: float) -> None:
    """Until no reactivation of these families is pending; gives up if none is applied for
    `stall_seconds` (a stuck worker must not hang the benchmark)."""
    from payments.models import Reactivation

    pending = Reactivation.objects.filter(family_id__in=family_ids, state="PENDING")
    left, last_change, last_log = pending.count(), time.monotonic(), time.monotonic()
    while left:
        time.sleep(0.2)
        now_left = pending.count()
        if now_left != left:
            left, last_change = now_left, time.monotonic()
        if time.monotonic() - last_log > 15:
            log(f"  {left} reactivations pending")
            last_log = time.monotonic()
        if time.monotonic() - last_change > stall_seconds:
            raise SystemExit(f"{left} reactivations stuck for {stall_seconds:g} s")


def _amounts_due(family_ids: list[int]) -> dict[int, int]:
    from django.db.models import Sum

    from payments.models import Bill

    due: dict[int, int] = {}
    for chunk in _chunks(family_ids, 5000):
        for family_id, total in (
            Bill.objects.filter(family_id__in=chunk, state="OPEN")
            .values_list("family_id")
            .annotate(total=Sum("amount"))
        ):
            due[family_id] = total
    return due


# --- 3. notification to AKTIF ------------------------------------------------------------------


def bench_latency(
    samples: int,
    rate: float,
    env: dict[str, str],
    log: Log,
    result: Result,
    snapshots: list,
    secret: str,
) -> None:
    from django.db.models import Max

    from families.models import FamilyCard, FamilyMembership
    from participants.models import StatusChange
    from payments.services import sign

    log(f"notification to AKTIF: {samples} families, one signed notification each, {rate:g}/s")
    skip = set(snapshots[0].family_ids) if snapshots else set()
    family_ids = _choose_families(samples, skip=skip)
    snapshots.append(_prepare_arrears(family_ids, log))
    due = _amounts_due(family_ids)
    vas = dict(FamilyCard.objects.filter(pk__in=family_ids).values_list("pk", "virtual_account"))
    members: dict[int, list[int]] = {}
    for family_id, participant_id in FamilyMembership.objects.filter(
        valid_to__isnull=True, family_id__in=family_ids
    ).values_list("family_id", "participant_id"):
        members.setdefault(family_id, []).append(participant_id)
    server, port = _start_gunicorn(env, log)
    run_id = uuid.uuid4().hex[:8]
    sent: dict[int, float] = {}
    http_times: list[float] = []
    errors = 0
    try:
        interval = 1 / rate
        next_at = time.perf_counter()
        for family_id in family_ids:
            body = json.dumps(
                {
                    "transaction_id": f"{CHANNEL}-{run_id}-{family_id}",
                    "virtual_account": vas[family_id],
                    "amount": due[family_id],
                    "paid_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            ).encode()
            timestamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Channel-Id": CHANNEL,
                "X-Timestamp": timestamp,
                "X-Signature": sign(secret=secret, timestamp=timestamp, raw_body=body),
            }
            time.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += interval
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            sent[family_id] = time.time()
            started = time.perf_counter()
            conn.request("POST", NOTIFY_PATH, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            http_times.append(time.perf_counter() - started)
            conn.close()
            if response.status != 200:
                errors += 1
        _wait_applied(family_ids, log, stall_seconds=60)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    changed = dict(
        StatusChange.objects.filter(
            participant_id__in=[p for ps in members.values() for p in ps],
            cause="PAYMENT",
            status="AKTIF",
        )
        .values_list("participant_id")
        .annotate(at=Max("changed_at"))
    )
    latencies = []
    for family_id, t_sent in sent.items():
        times = [changed[p] for p in members[family_id] if p in changed]
        if times:
            latencies.append(max(times).timestamp() - t_sent)
    result.rows.append(
        [
            f"notification -> AKTIF (HTTP + worker), {len(latencies)}",
            f"median {statistics.median(latencies) * 1000:.0f} ms",
            f"p99 {percentile(latencies, 99) * 1000:.0f} ms",
            f"max {max(latencies) * 1000:.0f} ms",
            f"HTTP p50 {percentile(http_times, 50) * 1000:.0f} / p99 "
            f"{percentile(http_times, 99) * 1000:.0f} ms",
        ]
    )
    p99 = percentile(latencies, 99)
    result.notes.append(
        f"notification -> AKTIF: {len(sent)} sent at {rate:g}/s, {errors} HTTP errors, "
        f"{len(sent) - len(latencies)} without an AKTIF change (members on hold stay "
        f"PENANGGUHAN); target p99 < 2 s: {'met' if p99 < 2 else 'NOT met'}"
    )


# --- entry points -------------------------------------------------------------------------------


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
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import report  # bench/run.py

    lines: list[str] = [""]
    report(
        lines,
        "payments (bench/payments.py)",
        [["what", "count", "time", "rate", "also"], *result.rows],
    )
    return [*lines, "", *result.notes]


def main() -> None:
    """Alone: the same setup as bench/run.py (database, migrations, 100000 families)."""
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run as bench_run  # bench/run.py

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=bench_run.DEFAULT_DATABASE_URL)
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--reactivations", type=int, default=10_000)
    parser.add_argument("--latency-samples", type=int, default=300)
    parser.add_argument("--rate", type=float, default=10.0, help="notifications per second")
    parser.add_argument("--skip-billing", action="store_true")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)

    log(
        f"machine: {bench_run.cpu_count()} CPUs ({bench_run.cpu_model()}), "
        f"load {bench_run.load_average()}"
    )
    log(f"database: {bench_run.ensure_database(args.database_url)} ({args.database_url})")
    env = bench_run.server_environment(args.database_url)
    bench_run.setup_django(env)
    bench_run.migrate_and_seed(args.families, 2026, log)
    result = run(
        env=env,
        log=log,
        reactivations=args.reactivations,
        latency_samples=args.latency_samples,
        rate=args.rate,
        billing=not args.skip_billing,
    )
    lines = [
        f"machine: {bench_run.cpu_count()} CPUs ({bench_run.cpu_model()}), load average after "
        f"{bench_run.load_average()}",
        *report_lines(result),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
