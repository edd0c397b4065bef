"""Reads of the outbox, scoped to who asks."""

from django.db.models import QuerySet

from core.models import User

from .models import Message


def messages_for_staff(*, user: User) -> QuerySet[Message]:
    """Staff see the messages of their branch's participants; a superuser sees every message."""
    qs = Message.objects.select_related("participant", "user")
    if user.is_superuser:
        return qs
    if not user.is_staff or user.branch_id is None:
        return qs.none()
    return qs.filter(participant__branch_id=user.branch_id)
