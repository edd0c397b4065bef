"""What the sync needed from the registry: a KK batch endpoint, a bulk load for the benchmark,
a faults command, and a control endpoint for tests and demos (off unless configured)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from dukcapil_sync.registry import services
from dukcapil_sync.registry.models import Person, RegistryMembership, RegistrySettings

pytestmark = [pytest.mark.urls("dukcapil_sync.registry.standalone_urls"), pytest.mark.django_db]

API = "/registry/api/v1"
KEY = {"X-Api-Key": "test-key"}
CONTROL = {"X-Control-Key": "control-key"}
KK_A = "3171010101200001"
FATHER = "3171011203850001"


@pytest.fixture(autouse=True)
def registry_settings(settings):
    settings.REGISTRY_API_KEYS = ["test-key"]
    settings.REGISTRY_LATENCY_MS = 0
    settings.REGISTRY_ERROR_RATE = 0.0
    settings.REGISTRY_BATCH_LIMIT = 3
    settings.REGISTRY_CONTROL_KEY = "control-key"
    return settings


@pytest.fixture
def family():
    services.registry_upsert_person(
        nik=FATHER,
        name="Budi",
        birth_place="Jakarta",
        birth_date=dt.date(1985, 3, 12),
        sex="L",
        address="Jl. Merdeka 1",
    )
    services.registry_upsert_family(
        kk_number=KK_A,
        address="Jl. Merdeka 1",
        district_code="317101",
        members=[(FATHER, "KEPALA")],
        valid_from=dt.date(2020, 1, 1),
    )


def post(client, path, body, headers):
    return client.post(path, json.dumps(body), "application/json", headers=headers)


def test_kk_batch_splits_found_and_not_found(client, family):
    response = post(client, f"{API}/kk/batch", {"kk_numbers": [KK_A, "3171010101209999"]}, KEY)

    assert response.status_code == 200
    body = response.json()
    assert [c["kk_number"] for c in body["found"]] == [KK_A]
    assert body["found"][0]["members"][0]["nik"] == FATHER
    assert body["not_found"] == ["3171010101209999"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"kk_numbers": ["1", "2", "3", "4"]}, 400, "batch_too_large"),
        ({"kk_numbers": "x"}, 400, "bad_request"),
        ({}, 400, "bad_request"),
    ],
)
def test_kk_batch_refuses_bad_requests(client, body, status, code):
    response = post(client, f"{API}/kk/batch", body, KEY)

    assert (response.status_code, response.json()["error"]) == (status, code)


def test_kk_batch_needs_the_key(client):
    assert post(client, f"{API}/kk/batch", {"kk_numbers": []}, {}).status_code == 401


def test_control_is_off_without_its_key(client, settings):
    settings.REGISTRY_CONTROL_KEY = ""
    assert (
        post(client, f"{API}/_control", {"actions": [{"action": "reset"}]}, {}).status_code == 404
    )
    settings.REGISTRY_CONTROL_KEY = "control-key"
    wrong = {"X-Control-Key": "nope"}
    assert post(client, f"{API}/_control", {"actions": []}, wrong).status_code == 404


def test_control_applies_actions_through_the_services(client, family):
    response = post(
        client,
        f"{API}/_control",
        {
            "actions": [
                {"action": "death", "nik": FATHER, "date": "2026-10-01"},
                {"action": "faults", "latency_ms": 5, "error_rate": 0.1, "outage": False},
            ]
        },
        CONTROL,
    )

    assert response.json() == {"applied": 2}
    assert Person.objects.get(nik=FATHER).date_of_death == dt.date(2026, 10, 1)
    row = RegistrySettings.objects.get()
    assert (row.latency_ms, row.error_rate, row.outage) == (5, 0.1, False)

    refused = post(
        client, f"{API}/_control", {"actions": [{"action": "death", "nik": "1" * 16}]}, CONTROL
    )
    assert refused.status_code == 409  # unknown NIK (a death may come without a date)
    unknown = post(
        client,
        f"{API}/_control",
        {"actions": [{"action": "death", "nik": "3171011203859999", "date": "2026-10-01"}]},
        CONTROL,
    )
    assert (unknown.status_code, unknown.json()["error"]) == (409, "unknown_nik")

    post(client, f"{API}/_control", {"actions": [{"action": "reset"}]}, CONTROL)
    assert not Person.objects.exists()


def test_bulk_load_command(tmp_path):
    path = tmp_path / "export.jsonl"
    rows = [
        {
            "type": "person",
            "nik": FATHER,
            "name": "BUDI",
            "birth_place": "JAKARTA",
            "birth_date": "1985-03-12",
            "sex": "L",
            "address": "JL. MERDEKA 1",
            "date_of_death": None,
        },
        {
            "type": "kk",
            "kk_number": KK_A,
            "address": "JL. MERDEKA 1",
            "district_code": "317101",
            "valid_from": "2020-01-01",
            "members": [[FATHER, "KEPALA"]],
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = StringIO()

    call_command("registry_load", str(path), "--replace", stdout=out)

    assert "loaded 1 persons, 1 KK, 1 memberships" in out.getvalue()
    membership = RegistryMembership.objects.get()
    assert (membership.person_id, membership.family_card.kk_number) == (FATHER, KK_A)


def test_faults_command():
    call_command("registry_faults", "--latency-ms", "200", "--error-rate", "0.3", stdout=StringIO())
    row = RegistrySettings.objects.get()
    assert (row.latency_ms, row.error_rate, row.outage) == (200, 0.3, False)

    call_command("registry_faults", "--outage", stdout=StringIO())
    assert RegistrySettings.objects.get().outage is True
