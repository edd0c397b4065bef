"""The accounts API in the OpenAPI schema with its errors, and in the caller's language."""

import pytest
from django.core import mail

from .helpers import deliver_all
from .test_signup_api import identify, start

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/accounts/captcha/": "post",
    "/api/v1/accounts/signup/identify/": "post",
    "/api/v1/accounts/signup/": "post",
    "/api/v1/accounts/signup/verify/": "post",
    "/api/v1/accounts/codes/resend/": "post",
    "/api/v1/accounts/password-reset/identify/": "post",
    "/api/v1/accounts/password-reset/": "post",
    "/api/v1/accounts/password-reset/confirm/": "post",
    "/api/v1/accounts/me/": "get",
    "/api/v1/accounts/sessions/": "get",
    "/api/v1/accounts/sessions/{session_id}/": "delete",
    "/api/v1/accounts/tokens/": "get",
    "/api/v1/accounts/tokens/{token_key}/": "delete",
    "/api/v1/accounts/pin/": "post",
    "/api/v1/accounts/pin/verify/": "post",
    "/api/v1/accounts/pin/change/": "post",
    "/api/v1/accounts/pin/change/confirm/": "post",
}


def test_every_accounts_endpoint_is_in_the_schema_with_its_errors(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for path, method in ENDPOINTS.items():
        assert method in paths[path], path
    assert {"400", "404", "409", "429"} <= set(
        paths["/api/v1/accounts/signup/identify/"]["post"]["responses"]
    )
    assert {"401", "403", "404"} <= set(
        paths["/api/v1/accounts/sessions/{session_id}/"]["delete"]["responses"]
    )
    assert "429" in paths["/api/v1/accounts/pin/verify/"]["post"]["responses"]


def test_english_caller_gets_english_errors_and_an_english_code_message(anon, participant):
    anon.credentials(HTTP_ACCEPT_LANGUAGE="en")
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    refused = start(anon, token, password="kopisusu")
    assert refused.json()["fields"]["password"][0].startswith("The password needs")
    assert start(anon, token).status_code == 202
    deliver_all()
    assert mail.outbox[0].subject.startswith("JKN Portal code: ")
    assert "It is valid for 5 minutes and works once." in mail.outbox[0].body


def test_indonesian_is_the_default(anon, participant):
    token = identify(anon, participant.nik, participant.birth_date).json()["identity_token"]
    start(anon, token)
    deliver_all()
    assert mail.outbox[0].subject.startswith("Kode JKN Portal: ")
    assert "Berlaku 5 menit dan hanya bisa dipakai sekali." in mail.outbox[0].body
