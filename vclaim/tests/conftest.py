"""A facility credential and a VClaim client that calls the facade in-process (Django's test
client); tests/test_gunicorn.py calls it through a real gunicorn server instead."""

from typing import Any

import pytest
from django.test import Client

from core.factories import BranchOfficeFactory
from vclaim.services import facility_credential_create

from .client import VClaimClient

CONSUMER_ID = "20001"
SECRET = "uji-secret-rumah-sakit"
USER_KEY = "uji-user-key"


def django_transport(client: Client):
    def send(url: str, headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        response = client.get(url, headers=headers)
        return response.status_code, response.json(), dict(response.headers)

    return send


@pytest.fixture
def credential(db):
    return facility_credential_create(
        name="RSUD Uji",
        branch=BranchOfficeFactory(),
        actor=None,
        consumer_id=CONSUMER_ID,
        secret=SECRET,
        user_key=USER_KEY,
    ).credential


@pytest.fixture
def vclaim(credential) -> VClaimClient:
    return VClaimClient(
        base_url="/vclaim-rest/",
        consumer_id=CONSUMER_ID,
        secret=SECRET,
        user_key=USER_KEY,
        transport=django_transport(Client()),
    )
