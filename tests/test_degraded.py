"""Redis down (issue 16, point 8): the rate-limit cache fails soft, so logging in and the
family sync answer as usual instead of an HTML 500, with a warning in the log; a payment
confirmed while the broker is down is committed, and the reactivation sweep makes the family
AKTIF once it runs."""

import logging
import socket

import pytest
from django.conf import settings as django_settings
from django.test import Client

import core.cache
from core.factories import UserFactory
from jkn_portal.celery import app
from participants.models import Participant
from payments.factories import PaymentChannelFactory, notification_body, signed
from payments.models import Payment, Reactivation
from payments.tasks import sweep_reactivations
from tests.conftest import bearer, make_family
from tests.test_payments_notifications import inactive_family, post

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    core.cache._last_warning = 0.0  # the warning is once per 30 s per process


def test_login_over_the_api_works_without_redis_and_says_so_in_the_log(
    cache_down, password, caplog
):
    UserFactory(username="petugas")
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        response = Client().post(
            "/api/v1/auth/token/",
            {"username": "petugas", "password": password},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content[:500]
    assert set(response.json()) == {"token", "expires_at"}
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert "rate limits are not applied until Redis answers" in warnings[0]


def test_a_wrong_password_without_redis_is_still_a_401_in_the_error_shape(cache_down):
    UserFactory(username="petugas")
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": "petugas", "password": "salah"},
        content_type="application/json",
    )
    assert response.status_code in {400, 401}
    assert set(response.json()) == {"code", "message", "fields"}


def test_the_family_sync_api_without_redis_answers_in_the_error_shape_not_500(cache_down):
    _family, head = make_family(2)
    response = bearer(head.user).post("/api/v1/me/family/sync/")
    # The registry of this test is not running: the sync says so (503), in the API's shape.
    assert response.status_code == 503
    assert response.json()["code"] == "REGISTRY_UNAVAILABLE"


@pytest.fixture
def broker_down(monkeypatch):
    """Celery's producer pointed at a port where nothing listens (Celery reads the
    environment's CELERY_BROKER_URL before its configuration)."""
    if django_settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("needs a broker (tasks run in-process without one)")
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{closed_port()}/0")
    app._pool = None
    app.amqp._producer_pool = None
    yield
    monkeypatch.undo()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)  # a real commit runs the robust on_commit hook
def test_a_payment_while_the_broker_is_down_is_kept_and_the_sweep_reactivates(
    client, broker_down, settings, caplog
):
    family, ids = inactive_family(months=2)
    channel = PaymentChannelFactory(code="BANK_UJI")
    message = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=900_000)
    )
    with caplog.at_level(logging.ERROR):
        response = post(client, message)

    # The bank gets its answer and the money is recorded, although the task was not queued.
    assert response.status_code == 200
    assert Payment.objects.get().amount == 900_000
    assert Reactivation.objects.get().state == Reactivation.State.PENDING
    assert set(Participant.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "TIDAK_AKTIF"
    }
    assert any(
        r.name == "django.db.backends.base" and "on_commit" in r.getMessage() and r.exc_info
        for r in caplog.records
    ), [(r.name, r.getMessage()) for r in caplog.records]

    # The sweep (beat, every minute) applies it.
    settings.REACTIVATION_SWEEP_AFTER_SECONDS = 0
    sweep_reactivations()
    assert Reactivation.objects.get().state == Reactivation.State.DONE
    assert set(Participant.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"AKTIF"}
