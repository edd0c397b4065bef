"""Production settings: Argon2, `check --deploy` clean, no secret without configuration."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jkn_portal.env import env_bool, env_float, env_int, env_list, env_pairs

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in {"FAST_PASSWORD_HASHER", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "jkn.example.id",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_passwords_are_hashed_with_argon2_in_production():
    result = run_manage(
        "shell",
        "-c",
        "from django.contrib.auth.hashers import make_password; print(make_password('x')[:7])",
        **PRODUCTION,
    )
    assert result.stdout.strip().endswith("argon2$")


def test_a_typo_in_a_boolean_stops_the_process_instead_of_reading_as_false():
    result = run_manage("check", **{**PRODUCTION, "SECURE_SSL_REDIRECT": "ture"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='ture' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("Off", False)],
)
def test_booleans_read_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("JKN_TEST_FLAG", raw)
    assert env_bool("JKN_TEST_FLAG", not expected) is expected


def test_an_unset_or_empty_variable_takes_the_default(monkeypatch):
    monkeypatch.delenv("JKN_TEST_VALUE", raising=False)
    assert (env_bool("JKN_TEST_VALUE", True), env_int("JKN_TEST_VALUE", 7)) == (True, 7)
    monkeypatch.setenv("JKN_TEST_VALUE", "  ")
    assert (env_float("JKN_TEST_VALUE", 2.5), env_list("JKN_TEST_VALUE", "a,b")) == (2.5, [])


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda: env_int("JKN_TEST_VALUE", 1), "12x", "JKN_TEST_VALUE='12x' is not a whole number"),
        (
            lambda: env_int("JKN_TEST_VALUE", 1, minimum=1),
            "0",
            "JKN_TEST_VALUE='0' is not a whole number of at least 1",
        ),
        (lambda: env_float("JKN_TEST_VALUE", 1.0), "nan", "JKN_TEST_VALUE='nan' is not a number"),
        (
            lambda: env_float("JKN_TEST_VALUE", 1.0, minimum=0),
            "-0.5",
            "JKN_TEST_VALUE='-0.5' is not a number of at least 0",
        ),
    ],
    ids=["int-letters", "int-below-minimum", "float-nan", "float-below-minimum"],
)
def test_numbers_that_cannot_be_read_are_refused_with_the_variable_named(
    monkeypatch, reader, raw, message
):
    monkeypatch.setenv("JKN_TEST_VALUE", raw)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        reader()
    assert str(excinfo.value) == message


def test_lists_and_pairs_drop_blanks_and_refuse_a_pair_without_a_colon(monkeypatch):
    monkeypatch.setenv("JKN_TEST_VALUE", " a.id, ,b.id ,")
    assert env_list("JKN_TEST_VALUE") == ["a.id", "b.id"]
    monkeypatch.setenv("JKN_TEST_VALUE", "BANK_A:s3cr:et, BANK_B:x")
    assert env_pairs("JKN_TEST_VALUE") == {"BANK_A": "s3cr:et", "BANK_B": "x"}
    monkeypatch.setenv("JKN_TEST_VALUE", "BANK_A:secret,BANK_B")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_pairs("JKN_TEST_VALUE")
    assert "secret" not in str(excinfo.value)  # a refused secret is never echoed


def test_one_beat_schedule_names_every_periodic_job_and_each_task_exists(settings):
    from jkn_portal.celery import app

    app.loader.import_default_modules()  # registers every app's tasks, as a worker does
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "monthly-billing": "payments.tasks.generate_monthly_bills",
        "month-end-status": "payments.tasks.month_end",
        "nightly-status-recompute": "participants.tasks.recompute_all_statuses",
        "nightly-dukcapil-sync": "dukcapil_sync.tasks.sync_full",
        "dukcapil-sync-watchdog": "dukcapil_sync.tasks.sync_watchdog",
        "reactivation-sweep": "payments.tasks.sweep_reactivations",
        "complaints-autoclose": "complaints.tasks.autoclose_complaints",
        "notifications-collect": "notifications.tasks.collect_notifications",
        "messaging-requeue": "messaging.tasks.requeue_due_messages",
        "data-changes-apply": "changes.tasks.apply_scheduled_changes",
        "registration-drafts-expire": "registrations.tasks.expire_drafts",
    }
    assert all(entry["task"] in app.tasks for entry in schedule.values())
