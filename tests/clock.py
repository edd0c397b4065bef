"""Run the whole suite on a chosen "today": `TEST_TODAY=2027-01-02 make test`.

The root conftest calls `travel_from_environment()` before collection, so nothing sees the
real date: test modules, factories, the app, the live server's threads. The clock ticks from
10:00 Asia/Jakarta of the chosen day (a 5-minute run never crosses midnight), or from an exact
instant when given one (`2026-12-31T23:58:00+07:00` crosses it on purpose).

The processes the tests start (the Celery worker, the mock registry, `manage.py` checks)
travel by the same offset: the offset is exported, and `clock_hook/` on PYTHONPATH holds a
`sitecustomize` that moves their clock when Python starts. Chromium keeps the real clock;
nothing in the pages reads the browser's date, and a chosen day in the future keeps the
session cookie valid for it (a day more than 2 weeks back would expire it at once).

Values: an ISO date or datetime; `month-end` (last day of this month), `february-end` (the
next 28/29 February), `year-end` (31 December of this year)."""

import calendar
import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

VARIABLE = "TEST_TODAY"
# Read by clock_hook/sitecustomize.py in every Python process the tests start.
SHIFT_VARIABLE = "JKN_TEST_CLOCK_SHIFT"
HOOK_DIR = Path(__file__).resolve().parent / "clock_hook"
HOUR = dt.time(10, 0)


def _february_end(year: int) -> dt.date:
    return dt.date(year, 2, calendar.monthrange(year, 2)[1])


def chosen_instant(value: str, *, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The instant `value` names, seen from `now` (for the relative names)."""
    today = now.astimezone(zone).date()
    if value == "month-end":
        day = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    elif value == "february-end":
        day = _february_end(today.year)
        if day < today:
            day = _february_end(today.year + 1)
    elif value == "year-end":
        day = dt.date(today.year, 12, 31)
    elif len(value) == 10:
        day = dt.date.fromisoformat(value)
    else:
        instant = dt.datetime.fromisoformat(value)
        return instant if instant.tzinfo else instant.replace(tzinfo=zone)
    return dt.datetime.combine(day, HOUR, tzinfo=zone)


def travel_from_environment(zone_name: str) -> dt.datetime | None:
    """Move this process's clock (and, through the environment, its children's) to the day
    TEST_TODAY names. Returns the instant, or None when the variable is unset."""
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    zone = ZoneInfo(zone_name)
    real_now = dt.datetime.now(dt.UTC)
    instant = chosen_instant(value, now=real_now, zone=zone)
    shift = instant - real_now
    # Whole microseconds, so every process moves by exactly the same offset.
    os.environ[SHIFT_VARIABLE] = str(shift // dt.timedelta(microseconds=1))
    paths = [str(HOOK_DIR), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    time_machine.travel(shift, tick=True).start()
    return instant
