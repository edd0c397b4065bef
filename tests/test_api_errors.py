"""No input crashes an API request: 4xx in the one error shape (issue 7 points 3-6).

Under /api/ every answer is JSON `{code, message, fields}`, whether DRF, Django's URL
resolver, the body size check or a crash answers."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from core.factories import FacilityUserFactory, StaffUserFactory
from tests.conftest import bearer, make_family

pytestmark = pytest.mark.django_db

NESTED = "[" * 20_000 + "]" * 20_000


def assert_error_shape(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def _open_discrepancy_of(staff) -> int:
    from dukcapil_sync.models import Discrepancy

    family, head = make_family(1)
    now = timezone.now()
    return Discrepancy.objects.create(
        kind="NAME",
        participant=head,
        family=family,
        branch=staff.branch,
        key=f"NAME:{head.pk}",
        our_value=head.name,
        registry_value=head.name.upper() + " X",
        first_seen_at=now,
        last_seen_at=now,
    ).pk


@pytest.mark.parametrize("path", ["token", "accept", "keep", "notifications"])
def test_deeply_nested_json_is_a_parse_error(path):
    staff = StaffUserFactory()
    client = bearer(staff) if path in {"accept", "keep"} else Client()
    url = {
        "token": "/api/v1/auth/token/",
        "notifications": "/api/v1/payments/notifications/",
    }.get(path) or f"/api/v1/staff/discrepancies/{_open_discrepancy_of(staff)}/{path}/"

    response = client.post(url, data=NESTED, content_type="application/json")

    if path == "notifications":  # unsigned: refused before the body is read
        assert_error_shape(response, 401, "UNKNOWN_CHANNEL")
        return
    body = assert_error_shape(response, 400, "PARSE_ERROR")
    assert list(body["fields"]) == ["body"]


# Path parameters filled with a value each URL pattern accepts (tried in turn).
SAMPLES = [
    "1",
    "0001001010000",
    "3174010101800001",
    "a" * 8,
    "0" * 64,
    "00000000-0000-0000-0000-000000000001",
]


def _concrete(path: str) -> str | None:
    for sample in SAMPLES:
        concrete = re.sub(r"\{[^}]+\}", sample, path)
        try:
            resolve(concrete)
        except Resolver404:
            continue
        return concrete
    return None


def _token_endpoints(client: Client) -> list[tuple[str, str]]:
    schema = client.get("/api/schema/?format=json").json()
    endpoints = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") and {"bearerAuth": []} in operation["security"]:
                concrete = _concrete(path)
                assert concrete is not None, path
                endpoints.append((method, concrete))
    return endpoints


def test_a_bearer_token_with_non_utf8_bytes_is_401_on_every_token_endpoint(client):
    endpoints = _token_endpoints(client)
    assert len(endpoints) >= 12
    for method, path in endpoints:
        for token in ("\xff\xfe\xfd", "abc\x00def", "\u00e9t\u00e9"):
            response = getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}")
            assert_error_shape(response, 401, "AUTHENTICATION_FAILED")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-thing/",
        "/api/nothing",
        "/api/v1/staff/discrepancies/abc/",
        "/api/v1/staff/discrepancies/-1/accept/",
    ],
)
def test_unknown_api_paths_and_non_numeric_ids_are_json_404(path):
    response = bearer(StaffUserFactory()).get(path)

    assert_error_shape(response, 404, "NOT_FOUND")


def test_a_body_over_the_size_limit_is_json_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = '{"nik": "' + "1" * 20_000 + '"}'

    for path in ("/api/v1/auth/token/", "/api/v1/payments/notifications/"):
        response = client.post(path, data=big, content_type="application/json")
        assert_error_shape(response, 413, "REQUEST_TOO_LARGE")


def test_a_crash_under_the_api_answers_json_500(monkeypatch):
    family, head = make_family(2)

    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("families.api.views.family_view_for_user", broken)
    client = bearer(head.user)
    client.raise_request_exception = False

    response = client.get("/api/v1/me/family/")

    assert_error_shape(response, 500, "SERVER_ERROR")


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31", "2013-12-31", "far"])
def test_eligibility_dates_outside_the_jkn_window_are_field_errors(when):
    family, head = make_family(1)
    too_far = timezone.localdate() + timedelta(days=400)
    when = too_far.isoformat() if when == "far" else when

    response = bearer(FacilityUserFactory()).get(
        "/api/v1/eligibility/", {"card_number": head.card_number, "date": when}
    )

    body = assert_error_shape(response, 400, "VALIDATION_ERROR")
    assert list(body["fields"]) == ["date"]
    assert body["fields"]["date"][0].startswith("Pilih tanggal dari 1 Januari 2014 sampai ")


@pytest.mark.parametrize("when", ["0001-01-01", "9999-12-31"])
def test_denda_dates_outside_the_jkn_window_are_field_errors(when):
    family, head = make_family(1)

    response = bearer(head.user).get("/api/v1/me/denda/", {"inacbg_cost": 10_000_000, "date": when})

    body = assert_error_shape(response, 400, "VALIDATION_ERROR")
    assert list(body["fields"]) == ["date"]


def test_a_date_inside_the_window_is_still_answered():
    family, head = make_family(1)
    response = bearer(FacilityUserFactory()).get(
        "/api/v1/eligibility/",
        {"card_number": head.card_number, "date": (date(2014, 1, 1)).isoformat()},
    )
    assert response.status_code == 200
    assert response.json()["date"] == "2014-01-01"


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99"])
def test_a_page_that_does_not_exist_is_a_documented_field_error(page):
    family, head = make_family(1)

    response = bearer(head.user).get("/api/v1/me/payments/", {"page": page})

    body = assert_error_shape(response, 400, "VALIDATION_ERROR")
    assert body["fields"] == {"page": ["Pilih halaman dari 1 sampai 1."]}


def test_the_schema_documents_payments_as_a_page_with_the_page_error(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/me/payments/"]["get"]
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/PaginatedPaymentList"}
    paged = schema["components"]["schemas"]["PaginatedPaymentList"]["properties"]
    assert sorted(paged) == ["count", "next", "previous", "results"]
    assert "400" in operation["responses"]
