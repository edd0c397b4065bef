"""Django's database sessions (SESSION_ENGINE = "core.sessions"), with the one read every
signed-in page makes in plain SQL: the ORM's get cost about 0.5 ms of Python per page, more
than the database takes to answer (issue 14, core/sql.py). Writes, expiry and revocation are
Django's own, on the same table, so a session ended in "Akun saya" or by a password reset is
gone at the next request exactly as before."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from .sql import fetch_converted


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        key, model = self.session_key, self.model
        if key is None:
            return None
        alias = router.db_for_read(model)
        now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
        rows = fetch_converted(
            alias,
            f"SELECT session_data, expire_date FROM {model._meta.db_table} "  # noqa: S608
            f"WHERE session_key = %s AND expire_date > %s",
            [key, now],
            [None, model._meta.get_field("expire_date")],
        )
        if not rows:
            self._session_key = None
            return None
        data, expire_date = rows[0]
        return model(session_key=key, session_data=data, expire_date=expire_date)
