"""The read rows of `make bench` (issue 14): every participant read beside the floor of the
same stack, measured in the same run on the same gunicorn server, and an open-loop row.

Floors (unauthenticated, answered before any database work):
- API: `GET /api/v1/me/family/` without a token, a 401 from the same middleware, DRF view,
  authentication and exception handler as the family read;
- pages: `GET /info-peserta/` without a session, the 302 to the login page from the same
  middleware and view decorator as the Info Peserta and bills pages.
Reads, closed loop with wrk (bench/requests.lua), a different participant each request:
the API family read (measured by bench/run.py), the Info Peserta page and the bills page
(session cookies made for the same family heads) and the eligibility lookup of a facility
account over the same participants' card numbers. Each row gives its share of its floor,
measured in turn with it (three slices each, bench.load.alternate): the machine is shared and
its speed drifts, so a floor taken at another moment than its read is not its floor.

Each read row is measured after every participant of the row has read once (bench.load.warm):
what is measured is a participant reading again, with the answer kept under the tokens of the
facts it was computed from (core/facts.py); those first reads are timed apart ("first reads").

Open loop: locust (from PyPI, bench/locustfile.py) sends family reads at a fixed arrival rate
(`constant_throughput(1)` per user, one user per request a second).
"""

from __future__ import annotations

import csv
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import FAMILY_PATH, OUT_DIR, ROOT
from bench.load import (
    LoadResult,
    alternate,
    open_loop_planned,
    read_requests,
    run_wrk,
    warm,
    write_requests,
)
from bench.load import OpenLoop as LoadOpenLoop
from bench.tokens import Login

PAGE_FLOOR_PATH = "/info-peserta/"
PAGES = {"Info Peserta page": "/info-peserta/", "bills page": "/tagihan/"}
ELIGIBILITY_PATH = "/api/v1/eligibility/"
FACILITY_USERNAME = "faskes_demo"


@dataclass
class Prepared:
    """Requests files by row name, and what to delete at the end."""

    files: dict[str, Path]
    started_at: datetime
    session_keys: list[str] = field(default_factory=list)
    facility_token_pk: str = ""
    facility_user_id: int | None = None
    cold: dict[str, tuple[int, float]] = field(default_factory=dict)


@dataclass
class OpenLoop:
    tool: str
    rate: int
    seconds: int
    requests: int
    failures: int
    p50_ms: float
    p99_ms: float
    max_ms: float


def prepare(logins: list[Login], family_file: Path) -> Prepared:
    """Session cookies for the same family heads, a facility token and their card numbers."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from knox.models import AuthToken

    from core.models import User
    from participants.models import Participant

    prepared = Prepared(files={"family API read": family_file}, started_at=datetime.now(UTC))
    users = User.objects.in_bulk([x.user_id for x in logins])
    cookies = []
    with transaction.atomic():
        for login in logins:
            session = SessionStore()
            session[SESSION_KEY] = str(login.user_id)
            session[BACKEND_SESSION_KEY] = "core.auth.UserBackend"
            session[HASH_SESSION_KEY] = users[login.user_id].get_session_auth_hash()
            session.create()
            prepared.session_keys.append(session.session_key or "")
            cookies.append(f"Cookie: sessionid={session.session_key}")
    for name, path in PAGES.items():
        prepared.files[name] = write_requests(
            OUT_DIR / f"reads-{path.strip('/')}.txt", [(path, c) for c in cookies]
        )
    facility = User.objects.get(username=FACILITY_USERNAME, role=User.Role.FACILITY)
    instance, token = AuthToken.objects.create(facility, timedelta(hours=1))
    prepared.facility_token_pk, prepared.facility_user_id = instance.pk, facility.pk
    cards = Participant.objects.filter(user_id__in=list(users)).values_list(
        "card_number", flat=True
    )
    prepared.files["eligibility lookup"] = write_requests(
        OUT_DIR / "reads-eligibility.txt",
        [(f"{ELIGIBILITY_PATH}?card_number={c}", f"Authorization: Bearer {token}") for c in cards],
    )
    prepared.files["floor: API"] = write_requests(
        OUT_DIR / "reads-floor-api.txt", [(FAMILY_PATH, None)]
    )
    prepared.files["floor: pages"] = write_requests(
        OUT_DIR / "reads-floor-page.txt", [(PAGE_FLOOR_PATH, None)]
    )
    return prepared


def cleanup(prepared: Prepared) -> str:
    from django.contrib.sessions.models import Session
    from knox.models import AuthToken

    from participants.models import EligibilityLookup

    sessions = Session.objects.filter(session_key__in=prepared.session_keys).delete()[0]
    AuthToken.objects.filter(pk=prepared.facility_token_pk).delete()
    lookups = EligibilityLookup.objects.filter(
        account_id=prepared.facility_user_id, asked_at__gte=prepared.started_at
    ).delete()[0]
    for name, path in prepared.files.items():
        if name != "family API read":
            path.unlink(missing_ok=True)
    return f"{sessions} sessions, the facility token and {lookups} lookup-log rows"


FLOOR_OF = {"Info Peserta page": "floor: pages", "bills page": "floor: pages"}
FLOOR_OF["eligibility lookup"] = "floor: API"


def floor_run(wrk: str, port: int, prepared: Prepared, name: str, connections: int):
    """The floor `name` ("floor: API", a 401; "floor: pages", a 302) for a given time."""
    expected = 401 if name == "floor: API" else 302

    def measure(seconds: int) -> LoadResult:
        return run_wrk(wrk, port, prepared.files[name], seconds, connections, expected=expected)

    return measure


def warm_row(port: int, prepared: Prepared, name: str, log) -> None:
    """Each participant's first read of the row (cold: computed and kept), timed apart."""
    count, seconds = warm(port, prepared.files[name])
    prepared.cold[name] = (count, seconds)
    log(f"first reads ({name}): {count} in {seconds:.1f} s, {count / seconds:.0f}/s")


def other_reads(wrk: str, port: int, prepared: Prepared, seconds: int, connections: int, log):
    """Each row in turn with its floor (bench.load.alternate); the floor measured beside a
    row is kept as `"<floor> (<row>)"`."""
    results: dict[str, LoadResult] = {}
    for name in [*PAGES, "eligibility lookup"]:
        warm_row(port, prepared, name, log)
        floor = FLOOR_OF[name]
        log(f"reads: {name} and {floor} in turn, {connections} clients, {seconds} s each")

        def measure(duration: int, name: str = name) -> LoadResult:
            return run_wrk(wrk, port, prepared.files[name], duration, connections)

        pair = alternate(
            {floor: floor_run(wrk, port, prepared, floor, connections), name: measure}, seconds
        )
        results[name], results[f"{floor} ({name})"] = pair[name], pair[floor]
    return results


def cold_line(prepared: Prepared) -> str:
    parts = [f"{name} {n / s:.0f}/s" for name, (n, s) in prepared.cold.items() if s]
    return (
        "first reads (each participant's first, computed and then kept; 4 clients): "
        + ", ".join(parts)
    )


def locust_version() -> str:
    out = subprocess.run(  # noqa: S603 - fixed argument list
        [str(Path(sys.executable).with_name("locust")), "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split()[:2])  # "locust 2.47.0"


def open_loop(port: int, requests_file: Path, seconds: int, rate: int, log) -> OpenLoop:
    """`rate` locust users at one request a second each, for `seconds`."""
    tool = locust_version()
    log(f"reads: open loop with {tool}, {rate} family reads/s, {seconds} s")
    prefix = OUT_DIR / "locust"
    subprocess.run(  # noqa: S603 - fixed argument list
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(rate),
            "--spawn-rate",
            str(rate),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env={**_env(), "BENCH_REQUESTS": str(requests_file)},
        capture_output=True,
        check=False,
    )
    with Path(f"{prefix}_stats.csv").open() as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    for suffix in ("stats", "stats_history", "failures", "exceptions"):
        Path(f"{prefix}_{suffix}.csv").unlink(missing_ok=True)
    return OpenLoop(
        tool=tool,
        rate=rate,
        seconds=seconds,
        requests=int(row["Request Count"]),
        failures=int(row["Failure Count"]),
        p50_ms=float(row["50%"]),
        p99_ms=float(row["99%"]),
        max_ms=float(row["Max Response Time"]),
    )


def planned_open_loop(port: int, requests_file: Path, seconds: int, rate: int, log) -> LoadOpenLoop:
    """The same arrival rate from this process's own scheduler (bench.load.open_loop_planned,
    as the VClaim row): beside locust, whose own CPU on the shared cores shows in its figures."""
    log(f"reads: open loop with planned send times, {rate} family reads/s, {seconds} s")
    lines = read_requests(requests_file)
    return open_loop_planned(
        port, seconds, rate, lambda i: lines[i % len(lines)], lambda status, body: status == 200
    )


def planned_open_loop_row(fixed: LoadOpenLoop) -> list[str]:
    return [
        *fixed.cells(f"GET {FAMILY_PATH}, open loop {fixed.rate:g}/s (planned send times)"),
        "-",
        "-",
    ]


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}


def row(name: str, result: LoadResult, floor: LoadResult | None, queries: str = "-") -> list[str]:
    share = f"{result.rps / floor.rps * 100:.0f}%" if floor and floor.rps else "-"
    return [
        name,
        str(result.requests),
        f"{result.rps:.1f}",
        f"{result.p50_ms:.1f}",
        f"{result.p99_ms:.1f}",
        str(result.errors),
        queries,
        share,
    ]


def open_loop_row(fixed: OpenLoop) -> list[str]:
    return [
        f"GET {FAMILY_PATH}, open loop {fixed.rate}/s ({fixed.tool})",
        str(fixed.requests),
        f"{fixed.requests / fixed.seconds:.1f}",
        f"{fixed.p50_ms:.1f}",
        f"{fixed.p99_ms:.1f}",
        str(fixed.failures),
        "-",
        "-",
    ]
