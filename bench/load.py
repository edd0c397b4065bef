"""Load generators: wrk with bench/requests.lua when available, else an asyncio client."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import FAMILY_PATH, REQUESTS_SCRIPT, cpu_count, percentile


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


ROUNDS = 3


def combine(slices: list[LoadResult]) -> LoadResult:
    """Slices of one row as one result: requests and seconds summed; p50 the median of the
    slices' p50, p99 the worst slice's (wrk gives percentiles, not the latencies)."""
    first = slices[0]
    p50s = sorted(s.p50_ms for s in slices)
    return LoadResult(
        client=first.client,
        requests=sum(s.requests for s in slices),
        seconds=sum(s.seconds for s in slices),
        p50_ms=p50s[len(p50s) // 2],
        p99_ms=max(s.p99_ms for s in slices),
        errors=sum(s.errors for s in slices),
        error_detail="; ".join(dict.fromkeys(s.error_detail for s in slices)),
        client_cpu_seconds=sum(s.client_cpu_seconds for s in slices),
        extra={"slices": len(slices)},
    )


def alternate(
    rows: dict[str, Callable[[int], LoadResult]], seconds: int, rounds: int = ROUNDS
) -> dict[str, LoadResult]:
    """Each row for `seconds` in all, in `rounds` slices taken in turn (floor, read, floor,
    read, ...). A shared machine's speed drifts within a minute: a floor measured 30 s apart
    from its read made the same code's share swing by up to 10 points between runs
    (docs/scaling.md); slices taken in turn see the same machine."""
    per_slice = max(1, round(seconds / rounds))
    slices: dict[str, list[LoadResult]] = {name: [] for name in rows}
    for _ in range(rounds):
        for name, measure in rows.items():
            slices[name].append(measure(per_slice))
    return {name: combine(results) for name, results in slices.items()}


def write_requests(path: Path, requests: list[tuple[str, str | None]]) -> Path:
    """The requests file of bench/requests.lua: one `path<TAB>Header: value` (or a bare path)
    a line; it can hold credentials, so only its owner reads it."""
    path.write_text("".join(f"{p}\t{h}\n" if h else f"{p}\n" for p, h in requests))
    path.chmod(0o600)
    return path


def read_requests(requests_file: Path) -> list[tuple[str, dict[str, str]]]:
    """The lines of a requests file (write_requests) as (path, headers)."""
    out = []
    for line in requests_file.read_text().splitlines():
        if line:
            path, _, header = line.partition("\t")
            out.append((path, dict([header.split(": ", 1)]) if header else {}))
    return out


def warm(port: int, requests_file: Path, threads: int = 4) -> tuple[int, float]:
    """GET every line of `requests_file` once (a few at a time) before a row is measured: the
    rows measure a participant who reads their family again, as people do, with the answer
    the first read computed. The first reads are the cold cost, given in their own line.
    Returns (requests, seconds)."""
    import http.client
    import time
    from concurrent.futures import ThreadPoolExecutor

    lines = read_requests(requests_file)

    def get(line: tuple[str, dict[str, str]]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", line[0], headers=line[1])
        connection.getresponse().read()
        connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(get, lines))
    return len(lines), time.perf_counter() - started


@dataclass
class OpenLoop:
    rate: float
    sent: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    late_ms: float  # how far behind schedule the client itself fell (p99)
    errors: int

    def cells(self, name: str) -> list[str]:
        """A table row's first cells: name, requests, req/s, p50, p99, errors."""
        return [
            name,
            str(self.sent),
            f"{self.rate:g}",
            f"{self.p50_ms:.1f}",
            f"{self.p99_ms:.1f}",
            str(self.errors),
        ]


def open_loop_planned(
    port: int,
    seconds: int,
    rate: float,
    request: Callable[[int], tuple[str, dict[str, str]]],
    ok: Callable[[int, bytes], bool],
) -> OpenLoop:
    """Request i planned at t0 + i/rate, sent from a thread pool large enough that a slow
    answer never delays the next send; latency = answer time - planned time, so a queue
    cannot hide behind a slow answer (no coordinated omission). `request(i)` gives the path
    and headers, made at send time (a signature can hold the second it is sent in)."""
    import http.client
    import threading
    from concurrent.futures import ThreadPoolExecutor

    count = int(seconds * rate)
    latencies: list[float] = []
    lateness: list[float] = []
    errors = [0]
    lock = threading.Lock()
    t0 = time.perf_counter() + 0.5

    def one(i: int) -> None:
        planned = t0 + i / rate
        delay = planned - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        started = time.perf_counter()
        try:
            path, headers = request(i)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers=headers)
            answer = conn.getresponse()
            good = ok(answer.status, answer.read())
            conn.close()
        except OSError:
            good = False
        done = time.perf_counter()
        with lock:
            latencies.append(done - planned)
            lateness.append(started - planned)
            if not good:
                errors[0] += 1

    with ThreadPoolExecutor(max_workers=64) as pool:
        list(pool.map(one, range(count)))
    return OpenLoop(
        rate,
        count,
        percentile(latencies, 50) * 1000,
        percentile(latencies, 99) * 1000,
        max(latencies) * 1000,
        percentile(lateness, 99) * 1000,
        errors[0],
    )


def run_wrk(
    wrk: str, port: int, requests_file: Path, duration: int, connections: int, expected: int = 200
) -> LoadResult:
    """GET the lines of `requests_file` in turn; answers other than `expected` are errors."""
    return run_wrk_script(
        wrk,
        f"http://127.0.0.1:{port}/",
        REQUESTS_SCRIPT,
        [str(requests_file), str(expected)],
        duration,
        connections,
    )


def run_wrk_script(
    wrk: str,
    url: str,
    script: Path,
    script_args: list[str],
    duration: int,
    connections: int,
) -> LoadResult:
    """wrk with a Lua script that prints one BENCH_JSON line (requests.lua, vclaim.lua)."""
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
            str(script),
            url,
            "--",
            *script_args,
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
