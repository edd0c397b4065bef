"""The registry client against the real registry process: dataclasses out, timeouts,
retries with backoff on network errors and 5xx only, and the circuit breaker. Requests are
counted in the registry's own access log."""

import datetime as dt
import re
import time

import pytest

from dukcapil_sync.client import (
    PersonBatch,
    RegistryCircuitOpen,
    RegistryClient,
    RegistryFamilyCard,
    RegistryPerson,
    RegistryRejected,
    RegistryUnavailable,
)

from .conftest import free_port, new_nik

BIRTH = dt.date(1990, 2, 3)


def served(registry, path_part: str) -> int:
    """How many requests for `path_part` the registry logged so far."""
    time.sleep(0.2)  # runserver writes its access line after the response
    pattern = re.compile(r'"(GET|POST) [^"]*' + re.escape(path_part))
    return sum(1 for line in registry.log.read_text().splitlines() if pattern.search(line))


@pytest.fixture
def person(registry):
    nik = new_nik(birth_date=BIRTH)
    registry.control(
        {
            "action": "upsert_person",
            "nik": nik,
            "name": "BUDI",
            "birth_place": "JAKARTA",
            "birth_date": BIRTH.isoformat(),
            "sex": "L",
            "address": "JL. A",
        },
        {
            "action": "upsert_family",
            "kk_number": "3174050101200001",
            "address": "JL. A",
            "district_code": "317405",
            "members": [[nik, "KEPALA"]],
            "valid_from": "2020-01-01",
        },
    )
    return nik


def test_answers_come_out_as_dataclasses(registry, person):
    with RegistryClient() as client:
        found = client.person(person)
        missing = client.person(new_nik(birth_date=BIRTH))
        batch = client.persons([person, "3174050302900999"])
        card = client.family_card("3174050101200001")
        cards = client.family_cards(["3174050101200001", "3174050101200002"])

    assert isinstance(found, RegistryPerson)
    assert (found.name, found.birth_date, found.kk_number, found.is_alive) == (
        "BUDI",
        BIRTH,
        "3174050101200001",
        True,
    )
    assert missing is None
    assert isinstance(batch, PersonBatch)
    assert set(batch.found) == {person} and batch.not_found == {"3174050302900999"}
    assert isinstance(card, RegistryFamilyCard)
    assert [(m.nik, m.relationship) for m in card.members] == [(person, "KEPALA")]
    assert set(cards.found) == {"3174050101200001"}
    assert cards.not_found == {"3174050101200002"}


def test_batches_are_split_at_the_batch_size(registry, person, settings):
    settings.DUKCAPIL_BATCH_SIZE = 2
    niks = [person, *(f"317405070785{n:04d}" for n in range(1, 6))]
    before = served(registry, "/penduduk/batch")

    with RegistryClient() as client:
        batch = client.persons(niks)

    assert served(registry, "/penduduk/batch") - before == 3
    assert set(batch.found) == {person} and len(batch.not_found) == 5


def test_5xx_is_retried_with_backoff_then_reported(registry, person):
    registry.faults(error_rate=1.0)
    before = served(registry, f"/penduduk/{person}")
    started = time.monotonic()

    with RegistryClient(retries=3, backoff=0.05) as client, pytest.raises(RegistryUnavailable):
        client.person(person)

    assert served(registry, f"/penduduk/{person}") - before == 4  # 1 + 3 retries
    # Backoff 0.05 * (1 + 2) s at least, plus jitter.
    assert time.monotonic() - started >= 0.15


def test_a_flaky_registry_is_absorbed_by_the_retries(registry, person):
    registry.faults(error_rate=0.3)

    with RegistryClient(retries=8, backoff=0.01) as client:
        answers = [client.person(person) for _ in range(10)]

    assert all(a is not None and a.nik == person for a in answers)


def test_4xx_is_never_retried(registry, person):
    before = served(registry, f"/penduduk/{person}")

    with (
        RegistryClient(api_key="wrong", retries=3) as client,
        pytest.raises(RegistryRejected) as exc,
    ):
        client.person(person)

    assert (exc.value.status, exc.value.code) == (401, "unauthorized")
    assert served(registry, f"/penduduk/{person}") - before == 1


def test_every_call_has_a_timeout(registry, person):
    registry.faults(latency_ms=500)
    started = time.monotonic()

    client = RegistryClient(timeout=0.1, retries=1, backoff=0.01)
    with client, pytest.raises(RegistryUnavailable) as exc:
        client.person(person)

    assert "Timeout" in str(exc.value) or "timed out" in str(exc.value)
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_unavailable(registry, settings):
    client = RegistryClient(base_url=f"http://127.0.0.1:{free_port()}/x", retries=1, backoff=0.01)
    with client, pytest.raises(RegistryUnavailable):
        client.person("3174050302900001")


def test_circuit_breaker_opens_after_repeated_failures_and_stops_calling(registry, person):
    registry.faults(outage=True)
    with RegistryClient(retries=0) as client:
        for _ in range(3):  # DUKCAPIL_BREAKER_FAIL_MAX in the tests
            with pytest.raises(RegistryUnavailable):
                client.person(person)
        before = served(registry, f"/penduduk/{person}")

        with pytest.raises(RegistryCircuitOpen):
            client.person(person)

        assert served(registry, f"/penduduk/{person}") == before  # not even tried
        assert client.health() is False


def test_not_found_and_rejections_do_not_open_the_circuit(registry, person):
    with RegistryClient(retries=0) as client:
        for _ in range(5):
            assert client.person("3174050302900777") is None
        assert client.breaker.current_state == "closed"
        assert client.person(person) is not None
