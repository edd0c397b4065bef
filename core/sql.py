"""Plain SQL for the few reads on every participant request (issue 14), with the values the
ORM would have returned.

Django's ORM spends 0.5 to 1 ms of Python building one query, more than PostgreSQL takes to
answer these; bench/ measures it. So the token lookup, the session, the fact rows, the sync
panel and the bell count are written as SQL. Table and column names come from the models,
values are parameters. `fetch_converted` applies the same conversions the ORM applies to a
model field's column (SQLite hands back dates as text, PostgreSQL as datetimes already), so
callers get the same Python values either way.

On PostgreSQL each of these statements is prepared once per connection (`execute`): their
joins took PostgreSQL longer to plan than to run, and planning them on every request was a
third of the database's CPU per family read (bench/, docs/scaling.md). Behind a pooler that
hands one client's statements to several server sessions (PgBouncer in transaction mode),
set DB_PREPARED_STATEMENTS=0.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field

Converters = list[tuple[int, Any, list[Any]]]


@lru_cache(maxsize=64)
def _converters(alias: str, fields: tuple[Field | None, ...]) -> Converters:
    connection = connections[alias]
    found: Converters = []
    for index, field in enumerate(fields):
        if field is None:
            continue
        column = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            found.append((index, column, functions))
    return found


def fetch_converted(
    alias: str, sql: str, params: Sequence[Any], fields: Sequence[Field | None]
) -> list[list[Any]]:
    """Every row of `sql`, each column converted as the ORM converts `fields[i]` (None: the
    value as the driver returns it: counts, booleans, ids)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        execute(connection, cursor, sql, params)
        rows = cursor.fetchall()
    converters = _converters(alias, tuple(fields))
    if not converters:
        return [list(row) for row in rows]
    result = []
    for fetched in rows:
        row = list(fetched)
        for index, column, functions in converters:
            for function in functions:
                row[index] = function(row[index], column, connection)
        result.append(row)
    return result


@lru_cache(maxsize=64)
def _prepared_form(sql: str) -> tuple[str, str, str]:
    """(name, PREPARE statement, EXECUTE statement with one %s per parameter) for `sql`,
    whose parameters are all %s and which has no other % sign."""
    pieces = sql.split("%s")
    if any("%" in piece for piece in pieces):
        raise ValueError("a statement to prepare takes %s parameters and no other % sign")
    body = "".join(f"{piece}${n}" for n, piece in enumerate(pieces[:-1], 1)) + pieces[-1]
    name = "jkn_" + hashlib.sha256(sql.encode()).hexdigest()[:20]
    count = len(pieces) - 1
    arguments = f" ({', '.join(['%s'] * count)})" if count else ""
    return name, f"PREPARE {name} AS {body}", f"EXECUTE {name}{arguments}"


def execute(connection: BaseDatabaseWrapper, cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """`cursor.execute(sql, params)`; on PostgreSQL (unless DB_PREPARED_STATEMENTS=0) as a
    statement prepared once per server session and then only executed.

    The PREPARE goes through the driver's own cursor, beside Django's: it is once per
    connection, not per request, so query counts (tests, bench/) stay those of a request.
    A prepared statement outlives a rolled-back transaction, and each new connection (one
    per process and alias, or after CONN_MAX_AGE) prepares again: what was prepared is
    remembered on Django's connection together with the driver connection it was prepared
    on, and forgotten when that is another."""
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    name, prepare, run = _prepared_form(sql)
    raw = connection.connection
    done: tuple[Any, set[str]] | None = getattr(connection, "_jkn_prepared", None)
    if done is None or done[0] is not raw:
        done = (raw, set())
        connection._jkn_prepared = done  # type: ignore[attr-defined]
    if name not in done[1]:
        with raw.cursor() as own:
            own.execute(prepare)
        done[1].add(name)
    cursor.execute(run, params)
