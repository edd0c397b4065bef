"""A participant's browser sessions and API tokens: recorded at login, listed, ended."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from knox.models import AuthToken

from core.models import User

from ..models import SessionRecord


def session_record_login(
    *, user: User, session: SessionBase, ip_address: str | None, user_agent: str, remember: bool
) -> SessionRecord | None:
    """ "Ingat saya" keeps the session ACCOUNTS_REMEMBER_ME_DAYS; otherwise it ends when the
    browser closes (and at SESSION_COOKIE_AGE on the server at the latest)."""
    session.set_expiry(timedelta(days=settings.ACCOUNTS_REMEMBER_ME_DAYS) if remember else 0)
    if session.session_key is None:
        session.save()
    key = session.session_key
    if key is None:
        return None
    record, _ = SessionRecord.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "ip_address": ip_address,
            "user_agent": (user_agent or "")[:200],
            "remember": remember,
        },
    )
    return record


@dataclass(frozen=True)
class ActiveSession:
    id: int
    created_at: datetime
    expires_at: datetime
    ip_address: str | None
    user_agent: str
    remember: bool
    current: bool


def sessions_active(*, user: User, current_key: str | None = None) -> list[ActiveSession]:
    records = list(SessionRecord.objects.filter(user=user))
    expiry = dict(
        Session.objects.filter(
            session_key__in=[r.session_key for r in records], expire_date__gt=timezone.now()
        ).values_list("session_key", "expire_date")
    )
    return [
        ActiveSession(
            id=r.pk,
            created_at=r.created_at,
            expires_at=expiry[r.session_key],
            ip_address=r.ip_address,
            user_agent=r.user_agent,
            remember=r.remember,
            current=r.session_key == current_key,
        )
        for r in records
        if r.session_key in expiry
    ]


def session_end(*, user: User, session_id: int) -> None:
    """End one of the caller's own sessions; another user's id is simply not found."""
    with transaction.atomic():
        record = SessionRecord.objects.filter(user=user, pk=session_id).first()
        if record is None:
            raise Http404
        Session.objects.filter(session_key=record.session_key).delete()
        record.delete()


def tokens_active(*, user: User) -> list[AuthToken]:
    return list(AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created"))


def token_end(*, user: User, token_key: str) -> None:
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if not deleted:
        raise Http404


def sessions_revoke_all(*, user: User) -> None:
    """After a password reset: every browser session and API token of the account ends."""
    keys = list(SessionRecord.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    SessionRecord.objects.filter(user=user).delete()
    AuthToken.objects.filter(user=user).delete()
