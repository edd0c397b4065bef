"""The mock registry's HTTP contract, its fault injection, its life events, and its isolation
from portal code."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dukcapil_sync.registry import services, views
from dukcapil_sync.registry.models import Person, RegistryMembership, RegistrySettings

# Works before and after the portal's URLconf includes the registry: same prefix either way.
pytestmark = pytest.mark.urls("dukcapil_sync.registry.standalone_urls")

API = "/registry/api/v1"
KEY = {"X-Api-Key": "test-key"}
KK_A = "3171010101200001"
KK_B = "3171020202210002"
FATHER = "3171011203850001"
MOTHER = "3171016107870002"
CHILD = "3171010501150003"
GRANDMA = "3171025008550004"
JOIN = dt.date(2020, 1, 1)


@pytest.fixture(autouse=True)
def registry_settings(settings):
    settings.REGISTRY_API_KEYS = ["other-key", "test-key"]
    settings.REGISTRY_LATENCY_MS = 0
    settings.REGISTRY_ERROR_RATE = 0.0
    settings.REGISTRY_BATCH_LIMIT = 500
    return settings


def _person(nik: str, name: str, birth_date: dt.date, sex: str, address: str) -> None:
    services.registry_upsert_person(
        nik=nik, name=name, birth_place="Jakarta", birth_date=birth_date, sex=sex, address=address
    )


@pytest.fixture
def family():
    """Given KK A (father, mother, child) and KK B (grandmother)."""
    _person(FATHER, "Budi Santoso", dt.date(1985, 3, 12), "L", "Jl. Merdeka 1")
    _person(MOTHER, "Siti Aminah", dt.date(1987, 7, 21), "P", "Jl. Merdeka 1")
    _person(CHILD, "Andi Santoso", dt.date(2015, 1, 5), "L", "Jl. Merdeka 1")
    _person(GRANDMA, "Sri Wahyuni", dt.date(1955, 8, 10), "P", "Jl. Kenanga 7")
    services.registry_upsert_family(
        kk_number=KK_A,
        address="Jl. Merdeka 1",
        district_code="317101",
        members=[(FATHER, "KEPALA"), (MOTHER, "PASANGAN"), (CHILD, "ANAK")],
        valid_from=JOIN,
    )
    services.registry_upsert_family(
        kk_number=KK_B,
        address="Jl. Kenanga 7",
        district_code="317102",
        members=[(GRANDMA, "KEPALA")],
        valid_from=JOIN,
    )


def test_health_needs_no_key(client):
    response = client.get(f"{API}/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "wrong"}, {"X-Api-Key": ""}])
def test_keyed_endpoints_refuse_missing_or_wrong_key(client, family, headers):
    for response in [
        client.get(f"{API}/penduduk/{FATHER}", headers=headers),
        client.get(f"{API}/kk/{KK_A}", headers=headers),
        client.get(f"{API}/penduduk/", headers=headers),
        client.post(
            f"{API}/penduduk/batch", {"niks": [FATHER]}, "application/json", headers=headers
        ),
    ]:
        assert response.status_code == 401
        assert response.json() == {"error": "unauthorized"}


@pytest.mark.django_db
def test_person_found(client, family):
    response = client.get(f"{API}/penduduk/{MOTHER}", headers=KEY)

    assert response.status_code == 200
    assert response.json() == {
        "nik": MOTHER,
        "name": "Siti Aminah",
        "birth_place": "Jakarta",
        "birth_date": "1987-07-21",
        "sex": "P",
        "address": "Jl. Merdeka 1",
        "marital_status": "",
        "is_alive": True,
        "date_of_death": None,
        "kk_number": KK_A,
        "relationship": "PASANGAN",
    }


@pytest.mark.django_db
def test_person_not_found(client, family):
    response = client.get(f"{API}/penduduk/3171010101010009", headers=KEY)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}


@pytest.mark.django_db
def test_person_without_kk_has_null_kk(client):
    _person(FATHER, "Budi Santoso", dt.date(1985, 3, 12), "L", "Jl. Merdeka 1")

    body = client.get(f"{API}/penduduk/{FATHER}", headers=KEY).json()

    assert (body["kk_number"], body["relationship"]) == (None, None)


@pytest.mark.django_db
def test_kk_lists_current_members_only(client, family):
    services.registry_move(nik=CHILD, to_kk_number=KK_B, on=dt.date(2026, 2, 1))

    response = client.get(f"{API}/kk/{KK_A}", headers=KEY)

    assert response.status_code == 200
    assert response.json() == {
        "kk_number": KK_A,
        "address": "Jl. Merdeka 1",
        "district_code": "317101",
        "members": [
            {
                "nik": FATHER,
                "name": "Budi Santoso",
                "birth_date": "1985-03-12",
                "sex": "L",
                "relationship": "KEPALA",
                "valid_from": "2020-01-01",
            },
            {
                "nik": MOTHER,
                "name": "Siti Aminah",
                "birth_date": "1987-07-21",
                "sex": "P",
                "relationship": "PASANGAN",
                "valid_from": "2020-01-01",
            },
        ],
    }


@pytest.mark.django_db
def test_kk_not_found(client, family):
    response = client.get(f"{API}/kk/3171010101200099", headers=KEY)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found"}


@pytest.mark.django_db
def test_batch_splits_found_and_not_found_in_request_order(client, family):
    unknown = "3171010101010009"

    response = client.post(
        f"{API}/penduduk/batch",
        {"niks": [CHILD, unknown, FATHER, CHILD]},
        "application/json",
        headers=KEY,
    )

    assert response.status_code == 200
    body = response.json()
    assert [p["nik"] for p in body["found"]] == [CHILD, FATHER]
    assert body["found"][0]["kk_number"] == KK_A
    assert body["found"][0]["relationship"] == "ANAK"
    assert body["not_found"] == [unknown]


@pytest.mark.django_db
def test_batch_over_limit_is_refused(client, family, registry_settings):
    registry_settings.REGISTRY_BATCH_LIMIT = 2

    response = client.post(
        f"{API}/penduduk/batch", {"niks": [FATHER, MOTHER, CHILD]}, "application/json", headers=KEY
    )

    assert response.status_code == 400
    assert response.json() == {"error": "batch_too_large", "limit": 2}


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["not json", "[]", '{"niks": "x"}', '{"niks": [1]}', "{}"])
def test_batch_malformed_is_400(client, body):
    response = client.post(f"{API}/penduduk/batch", body, "application/json", headers=KEY)

    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


@pytest.mark.django_db
def test_paging_walks_all_persons_by_nik(client, family):
    first = client.get(f"{API}/penduduk/", {"limit": 3}, headers=KEY).json()
    second = client.get(
        f"{API}/penduduk/", {"limit": 3, "after": first["next_after"]}, headers=KEY
    ).json()

    assert [p["nik"] for p in first["results"]] == [CHILD, FATHER, MOTHER]
    assert first["next_after"] == MOTHER
    assert [p["nik"] for p in second["results"]] == [GRANDMA]
    assert second["next_after"] is None


@pytest.mark.django_db
def test_paging_exact_last_page_has_no_next(client, family):
    body = client.get(f"{API}/penduduk/", {"limit": 4}, headers=KEY).json()

    assert len(body["results"]) == 4
    assert body["next_after"] is None


@pytest.mark.django_db
def test_paging_bad_limit_is_400(client):
    response = client.get(f"{API}/penduduk/", {"limit": "many"}, headers=KEY)

    assert response.status_code == 400


@pytest.mark.django_db
def test_outage_switch_answers_503(client, family):
    RegistrySettings.objects.create(outage=True)

    response = client.get(f"{API}/penduduk/{FATHER}", headers=KEY)

    assert response.status_code == 503
    assert response.json() == {"error": "outage"}
    assert client.get(f"{API}/health").status_code == 200


@pytest.mark.django_db
def test_error_rate_one_always_fails(client, family, registry_settings):
    registry_settings.REGISTRY_ERROR_RATE = 1.0

    response = client.post(
        f"{API}/penduduk/batch", {"niks": [FATHER]}, "application/json", headers=KEY
    )

    assert response.status_code == 503
    assert response.json() == {"error": "injected_failure"}


@pytest.mark.django_db
def test_settings_row_overrides_django_settings(client, family, registry_settings, monkeypatch):
    registry_settings.REGISTRY_ERROR_RATE = 1.0
    RegistrySettings.objects.create(latency_ms=250, error_rate=0.0)
    slept: list[float] = []
    monkeypatch.setattr(views.time, "sleep", slept.append)

    response = client.get(f"{API}/penduduk/{FATHER}", headers=KEY)

    assert response.status_code == 200
    assert slept == [0.25]


@pytest.mark.django_db
def test_birth_adds_child_to_kk(client, family):
    newborn = "3171014210260005"

    services.registry_birth(
        kk_number=KK_A,
        nik=newborn,
        name="Putri Santoso",
        birth_date=dt.date(2026, 10, 2),
        sex="P",
        birth_place="Jakarta",
    )

    members = client.get(f"{API}/kk/{KK_A}", headers=KEY).json()["members"]
    assert [(m["nik"], m["relationship"], m["valid_from"]) for m in members] == [
        (FATHER, "KEPALA", "2020-01-01"),
        (MOTHER, "PASANGAN", "2020-01-01"),
        (CHILD, "ANAK", "2020-01-01"),
        (newborn, "ANAK", "2026-10-02"),
    ]
    assert Person.objects.get(nik=newborn).address == "Jl. Merdeka 1"


@pytest.mark.django_db
def test_move_ends_old_membership_and_starts_new(client, family):
    moved_on = dt.date(2026, 2, 1)

    services.registry_move(nik=CHILD, to_kk_number=KK_B, on=moved_on, relationship="LAINNYA")

    rows = list(
        RegistryMembership.objects.filter(person_id=CHILD)
        .order_by("valid_from")
        .values_list("family_card__kk_number", "relationship", "valid_from", "valid_to")
    )
    assert rows == [(KK_A, "ANAK", JOIN, moved_on), (KK_B, "LAINNYA", moved_on, None)]
    body = client.get(f"{API}/penduduk/{CHILD}", headers=KEY).json()
    assert (body["kk_number"], body["relationship"], body["address"]) == (
        KK_B,
        "LAINNYA",
        "Jl. Kenanga 7",
    )


@pytest.mark.django_db
def test_death_marks_person_deceased(client, family):
    services.registry_death(nik=GRANDMA, date=dt.date(2026, 11, 1))

    body = client.get(f"{API}/penduduk/{GRANDMA}", headers=KEY).json()
    assert (body["is_alive"], body["date_of_death"]) == (False, "2026-11-01")


@pytest.mark.django_db
def test_correct_name(family):
    services.registry_correct_name(nik=MOTHER, name="Siti Aminah Lubis")

    assert Person.objects.get(nik=MOTHER).name == "Siti Aminah Lubis"


@pytest.mark.django_db
def test_split_kk_moves_listed_members_to_new_kk(family):
    new_kk = "3171010102260003"
    on = dt.date(2026, 2, 1)

    card = services.registry_split_kk(from_kk=KK_A, new_kk=new_kk, niks=[CHILD], on=on)

    assert (card.head_nik, card.address, card.district_code) == (CHILD, "Jl. Merdeka 1", "317101")
    current = RegistryMembership.objects.get(person_id=CHILD, valid_to__isnull=True)
    assert (current.family_card.kk_number, current.relationship, current.valid_from) == (
        new_kk,
        "KEPALA",
        on,
    )
    assert (
        RegistryMembership.objects.get(person_id=CHILD, family_card__kk_number=KK_A).valid_to == on
    )


@pytest.mark.django_db
def test_upsert_family_twice_creates_nothing_new(family):
    before = list(RegistryMembership.objects.order_by("id").values_list())
    updated_at = Person.objects.get(nik=FATHER).updated_at

    services.registry_upsert_family(
        kk_number=KK_A,
        address="Jl. Merdeka 1",
        district_code="317101",
        members=[(FATHER, "KEPALA"), (MOTHER, "PASANGAN"), (CHILD, "ANAK")],
        valid_from=JOIN,
    )
    _person(FATHER, "Budi Santoso", dt.date(1985, 3, 12), "L", "Jl. Merdeka 1")

    assert list(RegistryMembership.objects.order_by("id").values_list()) == before
    assert Person.objects.get(nik=FATHER).updated_at == updated_at


@pytest.mark.django_db
def test_upsert_family_ends_membership_in_other_kk(family):
    on = dt.date(2026, 3, 1)

    services.registry_upsert_family(
        kk_number=KK_B,
        address="Jl. Kenanga 7",
        district_code="317102",
        members=[(GRANDMA, "KEPALA"), (CHILD, "LAINNYA")],
        valid_from=on,
    )

    assert (
        RegistryMembership.objects.get(person_id=CHILD, family_card__kk_number=KK_A).valid_to == on
    )
    assert RegistryMembership.objects.get(person_id=CHILD, valid_to__isnull=True).relationship == (
        "LAINNYA"
    )


@pytest.mark.django_db
def test_event_command_death(family):
    call_command("registry_event", "death", "--nik", GRANDMA, "--date", "2026-11-01")

    grandma = Person.objects.get(nik=GRANDMA)
    assert (grandma.is_alive, grandma.date_of_death) == (False, dt.date(2026, 11, 1))


@pytest.mark.django_db
def test_event_command_unknown_nik_is_a_clear_error(family):
    unknown = "3171010101010009"

    with pytest.raises(CommandError, match=f"NIK {unknown} is not in the registry"):
        call_command(
            "registry_event", "move", "--nik", unknown, "--to-kk", KK_B, "--on", "2026-11-01"
        )

    assert RegistryMembership.objects.count() == 4


PORTAL_PACKAGES = {"core", "participants", "families", "payments", "complaints", "jkn_portal"}


def _imported_modules(path: Path, package: str) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # Resolve relative imports, so `from ... import x` cannot slip out unseen.
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                modules.append(".".join([*base, node.module] if node.module else base))
            else:
                modules.append(node.module or "")
    return modules


def test_registry_never_imports_portal_code():
    root = Path(services.__file__).resolve().parent
    offenders = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root.parent.parent).with_suffix("")
        package = ".".join(relative.parts[:-1])
        for module in _imported_modules(path, package):
            top = module.split(".")[0]
            outside_registry = top == "dukcapil_sync" and not (
                module == "dukcapil_sync.registry" or module.startswith("dukcapil_sync.registry.")
            )
            if top in PORTAL_PACKAGES or outside_registry:
                offenders.append(f"{path.relative_to(root)}: {module}")

    assert offenders == []
