"""Reads of the bell: only the caller's own notifications."""

from django.db.models import QuerySet

from core.models import User

from .models import Notification


def notifications_for_user(*, user: User) -> QuerySet[Notification]:
    if not user.is_authenticated or user.role != User.Role.PARTICIPANT:
        return Notification.objects.none()
    return Notification.objects.filter(recipient__user=user, recipient__retired_at__isnull=True)


def unread_count(*, user: User) -> int:
    return notifications_for_user(user=user).filter(read_at__isnull=True).count()
