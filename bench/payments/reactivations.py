"""2. reactivations: payments credited while no worker runs, then a worker drains the queue."""

from __future__ import annotations

import os
import subprocess
import time
import uuid

from .processes import _start_workers
from .rows import CHANNEL, Log, Result, _choose_families, _chunks, _prepare_arrears


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
