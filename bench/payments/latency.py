"""3. notification to AKTIF: signed notifications at a steady rate, time to the status change."""

from __future__ import annotations

import http.client
import json
import signal
import statistics
import time
import uuid
from datetime import UTC, datetime

from bench.common import percentile

from .processes import _start_gunicorn
from .reactivations import _amounts_due, _wait_applied
from .rows import CHANNEL, NOTIFY_PATH, Log, Result, _choose_families, _prepare_arrears


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
