"""Root fixtures and service checks shared by every test module."""

import importlib
import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from core.factories import DEMO_PASSWORD
from tests.clock import travel_from_environment
from tests.workers import start_celery_worker, stop_process

ROOT = Path(__file__).resolve().parent
CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _broker_url() -> str:
    return os.environ.get("TEST_CELERY_BROKER_URL", "")


def _redis_up() -> bool:
    url = _broker_url()
    if not url.startswith("redis://"):
        return False
    host_port = url.split("//", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=2):
            return True
    except OSError:
        return False


_TRAVELLED_TO = None


def _has_replica() -> bool:
    return _is_postgres() and "replica" in settings.DATABASES


def pytest_configure(config: pytest.Config) -> None:
    # Before collection: test modules and factories see the chosen day too (TEST_TODAY).
    global _TRAVELLED_TO
    _TRAVELLED_TO = travel_from_environment(settings.TIME_ZONE)
    if not CI:
        return
    missing = []
    if not _is_postgres():
        missing.append("PostgreSQL (DATABASE_URL is not postgres)")
    if not _redis_up():
        missing.append("Redis broker (TEST_CELERY_BROKER_URL)")
    if not CHROMIUM:
        missing.append("Debian's Chromium")
    # TEST_REPLICA=0: a run that leaves the replica tests out on purpose (make test-dates).
    if not _has_replica() and os.environ.get("TEST_REPLICA") != "0":
        missing.append("a PostgreSQL streaming replica (scripts/replica.py)")
    if missing:
        pytest.exit("CI=true and missing: " + "; ".join(missing), returncode=1)


def pytest_report_header(config: pytest.Config) -> str:
    if _TRAVELLED_TO is None:
        return "clock: real (set TEST_TODAY=YYYY-MM-DD, month-end, february-end or year-end)"
    return f"clock: TEST_TODAY={os.environ['TEST_TODAY']}, from {_TRAVELLED_TO.isoformat()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reasons = {
        "postgres": None if _is_postgres() else "needs PostgreSQL (DATABASE_URL)",
        "worker": None
        if _is_postgres() and _redis_up()
        else "needs PostgreSQL and a Redis broker for a real Celery worker",
        "redis": None if _redis_up() else "needs Redis (TEST_CELERY_BROKER_URL)",
        "browser": None if CHROMIUM else "needs Debian's Chromium (/usr/bin/chromium)",
        "replica": None
        if _has_replica()
        else "needs a PostgreSQL streaming replica (DATABASE_REPLICA_URL; scripts/test.py)",
    }
    for item in items:
        for marker, reason in reasons.items():
            if reason and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


# Data that migrations load (regions, segments, rates, the staff group). Transactional tests
# end with a flush that empties every table, so they load it again first.
_REFERENCE_LOADERS = [
    ("core.migrations.0002_load_regions", "load_regions"),
    ("participants.migrations.0002_segments_and_rates", "load"),
    ("core.migrations.0003_staff_group", "create_group"),
    ("complaints.migrations.0002_staff_permissions", "grant"),
]


def ensure_reference_data() -> None:
    from django.apps import apps

    from core.models import Region

    if Region.objects.exists():
        return
    for module, function in _REFERENCE_LOADERS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


@pytest.fixture(autouse=True)
def _no_credential_kept_from_another_test() -> None:
    # Each test has its own database rows: a facility credential kept by this process
    # (vclaim.selectors) from an earlier test would name a row that is gone.
    from vclaim.selectors import credentials_forget_all

    credentials_forget_all()


@pytest.fixture(autouse=True)
def _no_counter_kept_from_another_test() -> None:
    # The embedded default's cache lives in this process across tests. Rate-limit counters
    # are kept under account ids, and on SQLite ids start again in each test: an earlier
    # test's counter would count against a new account. (Redis tests clear their own.)
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture
def password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def celery_worker_process(transactional_db: None) -> Iterator[str]:
    """A real Celery worker (separate process) on Redis, against the test database, on a queue
    of its own. Yields the queue name; tasks must be sent with `.apply_async(queue=...)`."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    proc, _log = start_celery_worker(queue)
    try:
        yield queue
    finally:
        stop_process(proc)
