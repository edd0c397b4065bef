#!/usr/bin/env python
"""`make test`: find the services, say which are used, check migrations, run pytest.

PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are used when reachable; without them
(a laptop) the suite runs on SQLite and the tests that need them are skipped by name. With
CI=true a missing service is a failure, never a skip (tests/conftest.py enforces it too).
"""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    ci = os.environ.get("CI", "").lower() == "true"
    env = dict(os.environ)
    env.setdefault("FAST_PASSWORD_HASHER", "1")  # Argon2 costs 0.5 s a hash; tests make many
    env.setdefault("JKN_VAR_DIR", str(ROOT / "var" / "test"))
    # Debug is opt-in (production never has it); the suite runs the embedded default's
    # settings, and pytest-django still renders pages with DEBUG off.
    env.setdefault("DJANGO_DEBUG", "1")

    # TEST_DATABASE_NAME / TEST_REDIS_DB let two runs share the machine's services at once
    # (`make test-dates` runs its two days side by side).
    pg_name = env.get("TEST_DATABASE_NAME", "jkn")
    pg_url = env.get("TEST_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{pg_name}")
    redis_url = env.get(
        "TEST_REDIS_URL", f"redis://127.0.0.1:6379/{env.get('TEST_REDIS_DB', '15')}"
    )
    have_pg = reachable("127.0.0.1", 5432) if "TEST_DATABASE_URL" not in env else True
    have_redis = reachable("127.0.0.1", 6379) if "TEST_REDIS_URL" not in env else True
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )

    missing = []
    if have_pg:
        env["DATABASE_URL"] = pg_url
    else:
        missing.append("PostgreSQL at 127.0.0.1:5432")
        env.pop("DATABASE_URL", None)
    if have_redis:
        env["CELERY_BROKER_URL"] = redis_url
        env["TEST_CELERY_BROKER_URL"] = redis_url
    else:
        missing.append("Redis at 127.0.0.1:6379")
        env.pop("CELERY_BROKER_URL", None)
    if not chromium:
        missing.append("Debian's Chromium (apt-get install chromium)")

    print("== make test ==")
    print(f"database: {'PostgreSQL ' + pg_url.rsplit('@', 1)[-1] if have_pg else 'SQLite'}")
    print(
        f"broker:   {'Redis ' + redis_url.rsplit('@', 1)[-1] if have_redis else 'none'}"
        f" (worker tests {'on' if have_redis and have_pg else 'skipped'})"
    )
    print(f"browser:  {chromium or 'none (browser tests skipped)'}")
    today = env.get("TEST_TODAY")
    print(f"clock:    {'TEST_TODAY=' + today + ' (tests/clock.py)' if today else 'real'}")
    if missing:
        print("missing:  " + "; ".join(missing))
        if ci:
            print("CI=true: every service is required; failing.", file=sys.stderr)
            return 1
        print("skipping the tests that need them (listed as SKIPPED below).")
    sys.stdout.flush()

    check = subprocess.run(
        [PY, "manage.py", "makemigrations", "--check", "--dry-run"], cwd=ROOT, env=env
    )
    if check.returncode != 0:
        print("models changed without a migration", file=sys.stderr)
        return check.returncode

    args = [PY, "-m", "pytest", *sys.argv[1:]]
    if have_pg:
        # Each run starts from the migrations, so a stale test database never hides a bug.
        args.append("--create-db")
    replica = None
    if have_pg and wants_replica(ci, sys.argv[1:]):
        # A real streaming replica of the machine's PostgreSQL (tests/test_replica.py).
        sys.path.insert(0, str(ROOT / "scripts"))
        import replica as replica_cluster

        try:
            replica = replica_cluster.start(pg_url)
        except (RuntimeError, OSError) as exc:
            print(f"replica:  none ({exc})")
            if ci:
                return 1
        else:
            env["DATABASE_REPLICA_URL"] = replica.url(pg_url.rsplit("/", 1)[-1])
            env["REPLICA_READS"] = "0"  # on only where a test turns it on
            print(f"replica:  streaming on 127.0.0.1:{replica.port} (pg_basebackup -R)")
        sys.stdout.flush()
    try:
        return subprocess.run(args, cwd=ROOT, env=env).returncode
    finally:
        if replica:
            replica.stop()


def wants_replica(ci: bool, pytest_args: list[str]) -> bool:
    """The whole suite, CI, TEST_REPLICA=1 or a run naming the replica tests: a targeted run
    does not copy the cluster for nothing. TEST_REPLICA=0: never (a run that leaves the
    replica tests out, such as the dated runs of `make test-dates`)."""
    if os.environ.get("TEST_REPLICA") == "0":
        return False
    if ci or os.environ.get("TEST_REPLICA") == "1" or not pytest_args:
        return True
    return any("replica" in arg for arg in pytest_args)


if __name__ == "__main__":
    sys.exit(main())
