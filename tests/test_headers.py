"""Security headers (issue 7 point 12): no-store on tokens and on every personal page and API
answer; a Content-Security-Policy on every HTML page with no inline script."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.factories import DEMO_PASSWORD, StaffUserFactory
from tests.conftest import bearer, make_family

pytestmark = pytest.mark.django_db


def assert_no_store(response) -> None:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives, response["Cache-Control"]


def test_token_answers_and_api_answers_are_not_stored(client):
    family, head = make_family(2)

    token = client.post(
        "/api/v1/auth/token/",
        {"nik": head.nik, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    api = bearer(head.user).get("/api/v1/me/family/")
    refused = client.get("/api/v1/me/family/")

    assert token.status_code == 201
    for response in (token, api, refused):
        assert_no_store(response)


def test_personal_pages_are_not_stored(client):
    family, head = make_family(2)
    client.force_login(head.user)
    for name in ("families:family", "payments:bills", "payments:history"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert_no_store(response)
    staff = Client()
    staff.force_login(StaffUserFactory())
    assert_no_store(staff.get("/admin/"))


CSP_SCRIPT = re.compile(r"script-src ([^;]+)")


@pytest.mark.parametrize(
    "path", ["/masuk/", "/info-peserta/", "/tagihan/", "/admin/login/", "/api/docs/"]
)
def test_every_html_page_has_a_csp_without_inline_script(client, path):
    family, head = make_family(2)
    if path in {"/info-peserta/", "/tagihan/"}:
        client.force_login(head.user)

    response = client.get(path)

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert CSP_SCRIPT.search(policy).group(1).split() == ["'self'"]
    assert "frame-ancestors 'none'" in policy
    page = response.content.decode()
    inline = [s for s in re.findall(r"<script\b([^>]*)>", page) if "src=" not in s]
    assert inline == []
    assert not re.search(r"\son(click|load|submit|change)=", page)
