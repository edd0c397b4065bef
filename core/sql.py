"""Plain SQL for the few reads on every participant request (issue 14), with the values the
ORM would have returned.

Django's ORM spends 0.5 to 1 ms of Python building one query, more than PostgreSQL takes to
answer these; bench/ measures it. So the token lookup, the session, the fact rows, the sync
panel and the bell count are written as SQL. Table and column names come from the models,
values are parameters. `fetch_converted` applies the same conversions the ORM applies to a
model field's column (SQLite hands back dates as text, PostgreSQL as datetimes already), so
callers get the same Python values either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connections
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
        cursor.execute(sql, params)
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
