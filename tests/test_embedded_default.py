"""The embedded default and what a server started without configuration exposes
(issue 7 points 11 and 16)."""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from core.factories import DEMO_PASSWORD

from .servers import ROOT, manage, portal_server, server_env

pytestmark = pytest.mark.django_db(transaction=True)


def settings_of(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in server_env(f"sqlite:///{tmp_path / 'x.sqlite3'}").items()
        if k not in {"DJANGO_DEBUG", "SECRET_KEY", "DUKCAPIL_API_KEY", "REGISTRY_API_KEYS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "JKN_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


PRINT_SETTINGS = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'jkn_portal.settings'; "
    "django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.REGISTRY_EMBEDDED, s.DUKCAPIL_API_KEY, ','.join(s.REGISTRY_API_KEYS))"
)


def test_debug_is_off_unless_asked_for(tmp_path):
    # A server started with only a secret key: no debug pages, no embedded registry.
    plain = settings_of(tmp_path, PRINT_SETTINGS, SECRET_KEY="k" * 50)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split()[:2] == ["False", "False"]
    # Without a secret key it refuses to start rather than fall back to debug.
    refused = settings_of(tmp_path, PRINT_SETTINGS)
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr
    # `make run` asks for it.
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DJANGO_DEBUG := 1" in makefile


def test_the_registry_key_is_random_per_installation_unless_configured(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    a1 = settings_of(first, PRINT_SETTINGS, DJANGO_DEBUG="1").stdout.split()
    a2 = settings_of(first, PRINT_SETTINGS, DJANGO_DEBUG="1").stdout.split()
    b = settings_of(second, PRINT_SETTINGS, DJANGO_DEBUG="1").stdout.split()
    configured = settings_of(
        second, PRINT_SETTINGS, DJANGO_DEBUG="1", DUKCAPIL_API_KEY="from-the-operator"
    ).stdout.split()

    # The portal's client and the embedded registry share the installation's key...
    assert a1[2] == a1[3] and len(a1[2]) >= 40
    # ...which stays the same for this installation and differs for another.
    assert a2[2] == a1[2]
    assert b[2] != a1[2]
    assert configured[2:] == ["from-the-operator", "from-the-operator"]
    assert (first / "registry-api-key").stat().st_mode & 0o077 == 0
    # No key is written in the source any more.
    sources = [
        p for p in ROOT.glob("*/**/*.py") if ".venv" not in p.parts and "tests" not in p.parts
    ]
    assert not [p for p in sources if "dev-registry-key" in p.read_text()]


def test_the_standalone_registry_uses_the_same_installation_key(tmp_path):
    portal = settings_of(tmp_path, PRINT_SETTINGS, DJANGO_DEBUG="1").stdout.split()
    registry = settings_of(
        tmp_path,
        "import django, os; "
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'dukcapil_sync.registry.standalone_settings'; "
        "django.setup(); from django.conf import settings as s; print(s.REGISTRY_API_KEYS[0])",
        DJANGO_DEBUG="1",
    )
    assert registry.stdout.strip() == portal[2]


def test_family_sync_reaches_the_embedded_registry_on_any_port(tmp_path):
    # Given the embedded default served on a free port (not 8000), with the demo data.
    env = server_env(f"sqlite:///{tmp_path / 'portal.sqlite3'}", JKN_VAR_DIR=str(tmp_path))
    env.pop("DUKCAPIL_URL", None)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    with portal_server(env) as base:
        assert not base.endswith(":8000")
        login = urllib.request.Request(  # noqa: S310
            f"{base}/api/v1/auth/token/",
            data=json.dumps({"nik": "3174010101800001", "password": DEMO_PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(login, timeout=30) as response:  # noqa: S310
            token = json.loads(response.read())["token"]

        # When the participant asks for "Sinkronkan data keluarga".
        sync = urllib.request.Request(  # noqa: S310
            f"{base}/api/v1/me/family/sync/",
            data=b"",
            headers={"Authorization": f"Bearer {token}"},
            method="POST",
        )
        with urllib.request.urlopen(sync, timeout=60) as response:  # noqa: S310
            status, body = response.status, json.loads(response.read())

    # Then the registry answered (not "Dukcapil cannot be reached").
    assert status == 200, body
    assert body["sync_run"]["state"] == "DONE"
    assert len(body["members"]) >= 3
