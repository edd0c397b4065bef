"""Reads of participant accounts, scoped to who asks."""

from django.db.models import QuerySet

from core.models import User

from .models import Account


def accounts_for_staff(*, user: User) -> QuerySet[Account]:
    """Staff see the accounts of their branch's participants; a superuser sees all."""
    qs = Account.objects.select_related("user__participant")
    if user.is_superuser:
        return qs
    if user.branch_id is None:
        return qs.none()
    return qs.filter(user__participant__branch_id=user.branch_id)


def account_of(*, user: User) -> Account:
    """The caller's account for reading; an unsaved blank one if the login has none yet (a
    login made before self-service existed), so a GET never writes."""
    return Account.objects.filter(user=user).first() or Account(user=user, email=user.email)
