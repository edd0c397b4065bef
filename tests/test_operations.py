"""What an operator sees: health answers, metrics, log lines (JSON, request id, no traceback
for refusals we meant), error reports off unless configured, and time limits that fit."""

import json
import logging
from io import StringIO

import pytest
from django.test import Client

from core.factories import StaffUserFactory
from core.observability import ExpectedRefusalFilter, JsonFormatter, RequestIdFilter
from jkn_portal.celery import app
from tests.test_settings import PRODUCTION, run_manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The production console handler (JSON, request id, refusal filter) on django's and the
    access loggers, writing to a buffer."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(ExpectedRefusalFilter())
    loggers = [logging.getLogger(n) for n in ("django", "jkn.access")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_liveness_touches_nothing_and_readiness_reports_each_dependency(settings):
    settings.DUKCAPIL_URL = "http://127.0.0.1:9/registry/api/v1"  # nothing listens there
    client = Client()
    assert client.get("/healthz/live").json() == {"status": "ok"}

    response = client.get("/healthz")
    # The registry is down: the portal still serves, so the instance stays in the pool.
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert set(body["checks"]) == {"database", "cache", "broker", "registry"}
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["registry"]["status"] == "down"
    assert body["checks"]["registry"]["detail"] == "RegistryUnavailable"  # no host or port
    assert all(isinstance(c["latency_ms"], float) for c in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_metrics_need_the_token_when_one_is_set(settings):
    settings.METRICS_TOKEN = "rahasia-metrik"
    client = Client()
    assert client.get("/metrics").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer rahasia-metrik")
    assert response.status_code == 200
    assert "jkn_reactivations_pending 0.0" in response.content.decode()


def test_every_request_has_an_id_in_the_response_and_the_access_log(json_log):
    response = Client().get("/healthz/live", HTTP_X_REQUEST_ID="lb-1234")
    assert response["X-Request-ID"] == "lb-1234"
    insane = Client().get("/masuk/", HTTP_X_REQUEST_ID="<script>")
    assert insane["X-Request-ID"] != "<script>" and len(insane["X-Request-ID"]) == 32

    access = [e for e in json_log() if e["logger"] == "jkn.access"]
    login = next(e for e in access if e["path"] == "/masuk/")
    assert login["request_id"] == insane["X-Request-ID"]
    assert (login["method"], login["status"], login["level"]) == ("GET", 200, "INFO")
    assert login["time"].endswith("+07:00")  # the operator time convention (WIB)


def test_personal_numbers_in_paths_are_masked_in_the_log(json_log):
    Client().get("/api/v1/eligibility/3174010101800001/")
    entries = json_log()
    assert "3174010101800001" not in json.dumps(entries)
    assert any(e.get("path") == "/api/v1/eligibility/3174********0001/" for e in entries)


def test_a_403_is_one_warning_line_without_a_traceback(json_log):
    client = Client()
    client.force_login(StaffUserFactory())
    assert client.get("/admin/core/user/").status_code == 403
    refusals = [e for e in json_log() if e["logger"] == "django.request"]
    assert [(e["level"], e["status_code"]) for e in refusals] == [("WARNING", 403)]
    assert "exc_info" not in refusals[0]
    assert refusals[0]["message"] == "Forbidden (Permission denied): /admin/core/user/"


def test_a_bad_host_header_is_a_warning_without_a_traceback(json_log):
    assert Client(HTTP_HOST="evil.example").get("/masuk/").status_code == 400
    bad_host = [e for e in json_log() if e["logger"] == "django.security.DisallowedHost"]
    assert len(bad_host) == 1
    assert bad_host[0]["level"] == "WARNING"
    assert "exc_info" not in bad_host[0]


def test_every_task_ends_within_its_limits_and_before_the_broker_redelivers_it():
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    for name, task in app.tasks.items():
        if name.startswith("celery."):
            continue
        hard = task.time_limit or app.conf.task_time_limit
        soft = task.soft_time_limit or app.conf.task_soft_time_limit
        assert soft <= hard < visibility, name


def test_error_reports_are_off_by_default_and_on_with_a_dsn():
    probe = "import sentry_sdk; print(sentry_sdk.get_client().is_active())"
    without = run_manage("shell", "-c", probe, **PRODUCTION)
    assert without.stdout.strip().splitlines()[-1] == "False"
    with_dsn = run_manage(
        "shell", "-c", probe, **PRODUCTION, SENTRY_DSN="https://key@sentry.example.id/42"
    )
    assert with_dsn.stdout.strip().splitlines()[-1] == "True", with_dsn.stderr[-2000:]
