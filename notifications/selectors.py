"""Reads of the bell: only the caller's own notifications."""

from functools import lru_cache

from django.db import router
from django.db.models import QuerySet

from core.models import User
from core.pages import PageState
from core.sql import fetch_converted
from participants.models import Participant

from .models import Notification


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return Notification.objects.none()
    return Notification.objects.filter(recipient__user=user, recipient__retired_at__isnull=True)


@lru_cache(maxsize=1)
def _unread_count_column() -> str:
    """The bell's count as an SQL expression over the caller's participant row `p1`."""
    notification, participant = Notification._meta.db_table, Participant._meta.db_table
    return (
        f"(SELECT COUNT(*) FROM {notification} n "  # noqa: S608
        f"JOIN {participant} p ON p.id = n.recipient_id "
        f"WHERE p.user_id = p1.user_id AND p.retired_at IS NULL AND n.read_at IS NULL)"
    )


@lru_cache(maxsize=1)
def _unread_count_sql() -> str:
    # The same expression as the page state, over one user given as a parameter.
    return f"SELECT {_unread_count_column()} FROM (SELECT CAST(%s AS BIGINT) AS user_id) p1"  # noqa: S608


def unread_count_page_state() -> PageState:
    """The bell's count as a page state (core.pages), for the caller of the page (`p1`)."""
    return PageState("notifications.unread", (_unread_count_column(),))


def unread_count(*, user: User) -> int:
    """The bell on every page: the unread count of notifications_for_user, in plain SQL
    (the ORM's count cost 0.6 ms of Python per page, core/sql.py)."""
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return 0
    [[count]] = fetch_converted(
        router.db_for_read(Notification), _unread_count_sql(), [user.pk], [None]
    )
    return int(count)
