"""Fuzzing over the OpenAPI schema (issue 7 points 3-6): schemathesis generates valid and
invalid requests for every operation from /api/schema/ and checks that none answers 5xx and
that every answer is one the schema documents (status, content type, body).

Bounded (a few examples per operation, no shrinking of long runs) so CI stays fast; more with
FUZZ_EXAMPLES=200. Callers get a token of the role each endpoint is for, so the generated
input reaches the code behind authentication."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.factories import FacilityUserFactory, StaffUserFactory
from tests.conftest import make_family

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@pytest.fixture
def api_schema(db):
    # In-process WSGI calls share the test's transaction; like Django's test client, keep the
    # end of a request from closing that connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db) -> dict[str, str]:
    family, head = make_family(2)
    staff = StaffUserFactory(branch=family.branch)
    return {
        role: AuthToken.objects.create(user)[1]
        for role, user in (
            ("participant", head.user),
            ("staff", staff),
            ("facility", FacilityUserFactory()),
        )
    }


def role_for(path: str) -> str:
    if path.startswith("/api/v1/staff/"):
        return "staff"
    if path.startswith("/api/v1/eligibility/"):
        return "facility"
    return "participant"


# No 500 is ever documented, so status_code_conformance fails any crash; not_a_server_error
# is left out because a documented 503 (the registry is not running here) is a right answer.
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def fuzz(operation, mode: GenerationMode, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def call(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        call()
    except Unsatisfiable:
        # Nothing to corrupt (an operation without parameters or body): no negative case.
        assert mode == GenerationMode.NEGATIVE, operation.path


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    api_schema, tokens, mode
):
    # Logout last: it revokes the participant's token.
    operations = sorted(
        (result.ok() for result in api_schema.get_all_operations()),
        key=lambda operation: operation.path == "/api/v1/auth/logout/",
    )
    assert len(operations) >= 15
    for operation in operations:
        path = operation.path
        token = tokens[role_for(path)]
        fuzz(
            operation,
            mode,
            {} if path == "/api/v1/auth/token/" else {"Authorization": f"Bearer {token}"},
        )
