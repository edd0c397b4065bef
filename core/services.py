"""Writes on core's own rows (accounts)."""

import secrets
import string

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import ValidationFailed
from .models import STAFF_GROUP_NAME, BranchOffice, User


def _one_time_password(length: int = 16) -> str:
    """Random, with every character class the password validators ask for."""
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!@#-_=+"]
    alphabet = "".join(classes)
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def staff_user_create(
    *, username: str, branch_code: str, email: str = "", password: str | None = None
) -> tuple[User, str | None]:
    """A branch staff account: role STAFF, admin access, its branch, the staff group (the
    permissions). Returns the user and the password when one was generated (shown once).
    An existing account of the same branch is left as it is (idempotent)."""
    branch = BranchOffice.objects.filter(code=branch_code).first()
    if branch is None:
        message = _("No branch office with code %(code)s.") % {"code": branch_code}
        raise ValidationFailed(message, fields={"branch": [message]})
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if existing.role == User.Role.STAFF and existing.branch_id == branch.pk:
            return existing, None
        message = _("The username %(name)s is taken by another account.") % {"name": username}
        raise ValidationFailed(message, fields={"username": [message]})
    generated = None
    if not password:
        password = generated = _one_time_password()
    user = User(username=username, email=email, role=User.Role.STAFF, branch=branch, is_staff=True)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], fields={"password": error.messages}) from error
    group = Group.objects.filter(name=STAFF_GROUP_NAME).first()
    if group is None:
        raise ValidationFailed(_("The staff group is missing: run migrate first."))
    with transaction.atomic():
        user.set_password(password)
        user.save()
        user.groups.add(group)
    return user, generated
