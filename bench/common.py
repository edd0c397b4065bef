"""Paths, limits and the machine: CPU counts and ticks, process CPU time, free ports."""

from __future__ import annotations

import os
import platform
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


OUT_DIR = ROOT / "bench" / "out"


REQUESTS_SCRIPT = ROOT / "bench" / "requests.lua"


DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/jkn_bench"


FAMILY_PATH = "/api/v1/me/family/"


TOKEN_PATH = "/api/v1/auth/token/"


DEMO_PASSWORD = "Jkn-demo-2026"


MAX_DURATION = 120


LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def process_cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (and of their finished children), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        parts = stat.rsplit(")", 1)[1].split()
        # Fields 14-17 of /proc/PID/stat (utime, stime, cutime, cstime), here from index 11.
        total += sum(int(x) for x in parts[11:15])
    return total / ticks


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def pids_named(name: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def report(lines: list[str], title: str, rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in [*rows]) for i in range(len(rows[0]))]
    lines.append(title)
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
