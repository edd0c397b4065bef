"""The registration endpoints are in the OpenAPI schema with their errors."""

import pytest
from rest_framework.test import APIClient

from registrations.api.views import RegistrationThrottle

pytestmark = pytest.mark.django_db


def test_registration_endpoints_are_documented_with_their_errors(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    base = "/api/v1/registrations/{public_id}/"
    for step in ("terms", "kk", "members", "class", "contact", "verify", "submit"):
        responses = paths[f"{base}{step}/"]["post"]["responses"]
        assert {"200", "400", "404", "409", "410", "429"} <= set(responses), step
    assert "503" in paths[f"{base}kk/"]["post"]["responses"]
    assert "201" in paths["/api/v1/registrations/"]["post"]["responses"]
    assert "200" in paths[base]["get"]["responses"]
    assert "post" in paths[f"{base}payment/restart/"]
    add = paths["/api/v1/me/family/members/"]["post"]
    assert {"201", "400", "401", "403", "409"} <= set(add["responses"])
    assert "PBI_ASK_DINAS_SOSIAL" in add["description"]


def test_the_throttle_answers_429_with_retry_after(monkeypatch):
    monkeypatch.setattr(RegistrationThrottle, "THROTTLE_RATES", {"registration": "2/min"})
    api = APIClient()
    answers = [api.post("/api/v1/registrations/", {}, format="json") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["code"] == "RATE_LIMITED"
    assert int(answers[2]["Retry-After"]) > 0
