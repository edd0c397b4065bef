"""The mock registry as its own process for the sync tests: no mocking of the HTTP layer.

One registry per test session: a temporary SQLite database migrated with the registry's
standalone settings, served by `runserver --noreload` on a free loopback port. Each test
starts from an empty registry without faults; it seeds people and applies life events and
faults through the registry's control endpoint, which calls the registry's own services in
that process."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from django.utils import timezone

from core.nik import make_nik
from dukcapil_sync.client import reset_circuit_breakers
from families.models import FamilyCard, FamilyMembership, Relationship
from participants.models import Participant

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "sync-tests-registry-key"
CONTROL_KEY = "sync-tests-control-key"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Registry:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def control(self, *actions: dict[str, Any]) -> None:
        body = {"actions": [_jsonable(a) for a in actions]}
        response = requests.post(
            f"{self.url}/_control",
            json=body,
            headers={"X-Control-Key": CONTROL_KEY},
            timeout=30,
        )
        assert response.status_code == 200, response.text

    def reset(self) -> None:
        self.control({"action": "reset"}, self.faults_action())

    @staticmethod
    def faults_action(latency_ms: int = 0, error_rate: float = 0.0, outage: bool = False) -> dict:
        return {
            "action": "faults",
            "latency_ms": latency_ms,
            "error_rate": error_rate,
            "outage": outage,
        }

    def faults(self, latency_ms: int = 0, error_rate: float = 0.0, outage: bool = False) -> None:
        self.control(self.faults_action(latency_ms, error_rate, outage))

    def mirror(self, family: FamilyCard, **overrides: dict[str, Any]) -> None:
        """Put the family's current members in the registry exactly as we hold them (so
        nothing differs), except the per-NIK `overrides` (field -> registry value)."""
        actions: list[dict[str, Any]] = []
        members = []
        for m in FamilyMembership.objects.filter(
            family=family, valid_to__isnull=True
        ).select_related("participant"):
            p = m.participant
            if not p.nik:
                continue
            person = {
                "action": "upsert_person",
                "nik": p.nik,
                "name": p.name,
                "birth_place": p.birth_place or "JAKARTA",
                "birth_date": p.birth_date,
                "sex": p.sex,
                "address": family.address,
            }
            person.update(overrides.get(p.nik, {}))
            actions.append(person)
            members.append([p.nik, m.relationship])
        actions.append(
            {
                "action": "upsert_family",
                "kk_number": family.number,
                "address": family.address,
                "district_code": family.number[:6],
                "members": members,
                "valid_from": dt.date(2020, 1, 1),
            }
        )
        self.control(*actions)


def _jsonable(action: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in action.items()}


@pytest.fixture(scope="session")
def registry_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    workdir = tmp_path_factory.mktemp("registry")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "CELERY", "REGISTRY_", "DJANGO_SETTINGS"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "dukcapil_sync.registry.standalone_settings",
            "REGISTRY_DATABASE_URL": f"sqlite:///{workdir / 'registry.sqlite3'}",
            "REGISTRY_API_KEYS": API_KEY,
            "REGISTRY_CONTROL_KEY": CONTROL_KEY,
            "JKN_VAR_DIR": str(workdir),
            "DJANGO_DEBUG": "1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=120
    )
    port = free_port()
    log = workdir / "registry.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/registry/api/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("registry exited:\n" + log.read_text())
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("registry did not answer /health:\n" + log.read_text())
            time.sleep(0.2)
        yield Registry(url=url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def registry(registry_process: Registry, settings: Any) -> Iterator[Registry]:
    """An empty, healthy registry, and the portal's client pointed at it with quick
    retries (the backoff shape is the production one, scaled down)."""
    registry_process.reset()
    settings.DUKCAPIL_URL = registry_process.url
    settings.DUKCAPIL_API_KEY = API_KEY
    settings.DUKCAPIL_TIMEOUT_SECONDS = 5
    settings.DUKCAPIL_RETRIES = 4
    settings.DUKCAPIL_BACKOFF_SECONDS = 0.01
    settings.DUKCAPIL_BACKOFF_MAX_SECONDS = 0.1
    settings.DUKCAPIL_BREAKER_FAIL_MAX = 3
    settings.DUKCAPIL_BREAKER_RESET_SECONDS = 60
    settings.DUKCAPIL_INTERACTIVE_RETRIES = 1
    reset_circuit_breakers()
    yield registry_process
    reset_circuit_breakers()


@pytest.fixture
def baby_birth() -> dt.date:
    """Born 10 days before the day the test runs: a newborn within the 28 days."""
    return timezone.localdate() - dt.timedelta(days=10)


_serials = iter(range(1, 10_000))


def new_nik(*, birth_date: dt.date, sex: str = "L", district: str = "317405") -> str:
    """NIKs of a district the factories do not use, unique in the session."""
    return make_nik(
        district_code=district, birth_date=birth_date, is_female=sex == "P", serial=next(_serials)
    )


def add_member(
    family: FamilyCard,
    *,
    name: str,
    birth_date: dt.date,
    sex: str = "L",
    relationship: str = Relationship.CHILD,
    nik: str | None = "auto",
    **facts: Any,
) -> Participant:
    """One more current member, with the family head's segment, FKTP and payments."""
    head = FamilyMembership.objects.get(
        family=family, is_main=True, valid_to__isnull=True
    ).participant
    participant = Participant.objects.create(
        card_number=f"3{Participant.objects.count():012d}",
        nik=new_nik(birth_date=birth_date, sex=sex) if nik == "auto" else nik,
        name=name,
        birth_place="Jakarta",
        birth_date=birth_date,
        sex=sex,
        segment=head.segment,
        care_class=head.care_class,
        fktp=head.fktp,
        branch=head.branch,
        coverage_start=max(birth_date, dt.date(2020, 1, 1)),
        paid_through=head.paid_through,
        **facts,
    )
    FamilyMembership.objects.create(
        family=family,
        participant=participant,
        relationship=relationship,
        valid_from=dt.date(2020, 1, 1),
    )
    return participant
