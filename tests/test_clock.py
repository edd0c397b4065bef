"""The suite runs on a chosen day (tests/clock.py): the names resolve to the right day, and
the processes the tests start see the same clock as the tests."""

import datetime as dt
import os
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from tests.clock import HOOK_DIR, SHIFT_VARIABLE, chosen_instant

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=JAKARTA)


@pytest.mark.parametrize(
    ("value", "now", "expected"),
    [
        ("month-end", at(2026, 12, 2, 9), at(2026, 12, 31, 10)),
        ("month-end", at(2027, 2, 1, 9), at(2027, 2, 28, 10)),
        ("february-end", at(2026, 12, 2, 9), at(2027, 2, 28, 10)),
        ("february-end", at(2027, 12, 2, 9), at(2028, 2, 29, 10)),  # a leap year
        ("february-end", at(2028, 2, 29, 23), at(2028, 2, 29, 10)),  # today is the day
        ("february-end", at(2028, 3, 1, 0), at(2029, 2, 28, 10)),
        ("year-end", at(2026, 12, 2, 9), at(2026, 12, 31, 10)),
        # UTC 20:00 on 31 December is already 1 January in Jakarta.
        ("year-end", dt.datetime(2026, 12, 31, 20, tzinfo=dt.UTC), at(2027, 12, 31, 10)),
        ("2027-01-02", at(2026, 12, 2, 9), at(2027, 1, 2, 10)),
        ("2026-12-31T23:58:00+07:00", at(2026, 12, 2, 9), at(2026, 12, 31, 23, 58)),
        ("2026-12-31T23:58", at(2026, 12, 2, 9), at(2026, 12, 31, 23, 58)),
    ],
)
def test_chosen_day_names(value, now, expected):
    assert chosen_instant(value, now=now, zone=JAKARTA) == expected


def child_clock(env: dict[str, str]) -> tuple[float, float]:
    """(the clock a started Python process reads, the real clock) in seconds."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; from time_machine import escape_hatch as real; "
            "print(time.time(), real.time.time() if real.is_travelling() else time.time())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split()
    return float(out[0]), float(out[1])


def test_a_started_process_moves_by_the_exported_offset():
    env = {**os.environ, SHIFT_VARIABLE: str(400 * 86_400 * 1_000_000), "PYTHONPATH": str(HOOK_DIR)}

    moved, real = child_clock(env)

    assert moved - real == pytest.approx(400 * 86_400, abs=60)


def test_started_processes_read_the_same_clock_as_the_tests():
    # With TEST_TODAY set the tests travel, and so must a worker or the registry they start
    # (same environment); without it both read the real clock.
    moved, _real = child_clock(dict(os.environ))

    assert moved == pytest.approx(time.time(), abs=60)
