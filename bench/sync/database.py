"""A copy of the benchmark database (CREATE DATABASE ... TEMPLATE), dropped afterwards."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

PY = sys.executable


def _db_params(url: str) -> dict[str, object]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
        "dbname": parts.path.lstrip("/"),
    }


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def copy_database(source_url: str, copy_name: str, log) -> str:
    """A fresh copy of the benchmark database (no session may use the source meanwhile)."""
    import psycopg2
    from psycopg2 import sql

    params = _db_params(source_url)
    source = params.pop("dbname")
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(copy_name)))
            for _attempt in range(5):
                try:
                    cur.execute(
                        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                            sql.Identifier(copy_name), sql.Identifier(source)
                        )
                    )
                    break
                except psycopg2.errors.ObjectInUse:
                    time.sleep(3)
            else:
                # Someone else uses the source: copy a snapshot with pg_dump instead (slower).
                log(f"{source} is in use: copying it with pg_dump | pg_restore")
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(copy_name)))
                _dump_restore(source_url, _with_db(source_url, copy_name))
    finally:
        conn.close()
    copy = psycopg2.connect(dbname=copy_name, **params)
    copy.autocommit = True
    try:
        with copy.cursor() as cur:
            # Planner statistics, as autovacuum keeps them on a live database (the seed's
            # bulk inserts leave them stale, and the plans then go wrong).
            cur.execute("ANALYZE")
    finally:
        copy.close()
    return _with_db(source_url, copy_name)


def _dump_restore(source_url: str, target_url: str) -> None:
    dump = subprocess.Popen(
        ["pg_dump", "--format=custom", "--no-owner", f"--dbname={source_url}"],
        stdout=subprocess.PIPE,
    )
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--jobs=1", f"--dbname={target_url}"],
        stdin=dump.stdout,
        check=False,
    )
    if dump.stdout:
        dump.stdout.close()
    if dump.wait() != 0 or restore.returncode != 0:
        raise SystemExit("pg_dump | pg_restore of the benchmark database failed")


def drop_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    params = _db_params(url)
    name = params.pop("dbname")
    conn = psycopg2.connect(dbname="postgres", **params)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        conn.close()
