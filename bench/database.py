"""The benchmark database: created if missing, migrated, seeded with the demo and the
synthetic families, with Django set up in this process."""

from __future__ import annotations

import os
import secrets
import sys
import time
import warnings
from urllib.parse import urlsplit

from bench.common import ROOT


def ensure_database(url: str) -> str:
    """Create the benchmark database if it does not exist. Returns 'created' or 'exists'."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
    }
    try:
        psycopg2.connect(dbname=name, **params).close()
        return "exists"
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    return "created"


def server_environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"FAST_PASSWORD_HASHER"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "jkn_portal.settings",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            # Throwaway key, made for this run only.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Logins come from one address in a burst: no lockout, no login throttle.
            "AXES_ENABLED": "0",
            "TOKEN_THROTTLE_RATE": "1000000/min",
            # One facility account makes every VClaim lookup: the limit is checked (its cost
            # counts) but never reached.
            "ELIGIBILITY_RATE_LIMIT": "1000000000/min",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            # The production shape: the cache (rate limits, kept answers) in Redis, shared
            # by both workers; no periodic jobs inside the web process during the run.
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
            "EMBEDDED_BEAT": "0",
        }
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    # DEBUG off without collectstatic: WhiteNoise warns, and the API serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def migrate_and_seed(families: int, seed: int, log) -> dict[str, object]:
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    from demo.synthetic import seed_synthetic_families, synthetic_family_count
    from families.models import FamilyCard
    from participants.models import Facility, Participant

    call_command("migrate", interactive=False, verbosity=0)
    # The pages (Info Peserta, bills) name their static files through the manifest that
    # DEBUG off requires (into the ignored ./staticfiles, as the Dockerfile does).
    call_command("collectstatic", interactive=False, verbosity=0)
    if not Facility.objects.exists():
        log("no FKTP facility yet: running seed_demo")
        # A throwaway benchmark database; the sync benchmark loads the registry itself.
        call_command("seed_demo", verbosity=0, allow_production=True, skip_registry=True)
    existing = synthetic_family_count()
    info: dict[str, object] = {"synthetic_before": existing}
    if existing >= families:
        log(f"{existing} synthetic families present: nothing to seed")
        info["seed_seconds"] = None
    else:
        log(f"seeding {families - existing} synthetic families ({existing} present)")
        started = time.perf_counter()
        last = [0]

        def progress(done: int, total: int) -> None:
            if done - last[0] >= 10_000 or done == total:
                last[0] = done
                elapsed = time.perf_counter() - started
                log(f"  {done}/{total} families, {done / elapsed:.0f}/s, {elapsed:.0f}s")

        info["seeded"] = seed_synthetic_families(count=families, seed=seed, progress=progress)
        info["seed_seconds"] = time.perf_counter() - started
    info["families"] = FamilyCard.objects.count()
    info["participants"] = Participant.objects.count()
    # A live database is vacuumed and analyzed by autovacuum (which is off on some machines,
    # this one included, and behind a bulk load in any case). Without this the rows measure
    # the planner's default estimates over just-loaded tables, hint bits written by the first
    # reads, and the dead rows that earlier runs' cleanups left in the lookup log.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        try:
            cursor.execute("CHECKPOINT")  # superuser or pg_checkpoint only
        except DatabaseError as error:
            log(f"CHECKPOINT skipped: {str(error).strip()}")
    log(f"VACUUM (ANALYZE) and CHECKPOINT: {time.perf_counter() - started:.1f} s")
    return info
