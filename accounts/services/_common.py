"""Helpers the flows share: password checks against the participant, audit rows."""

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from core.errors import ValidationFailed
from core.models import User
from participants.models import Participant

from ..models import Account, AccountAuditEntry


@dataclass
class PasswordSubject:
    """What the password validators compare a password with (UserAttributeSimilarity reads
    username/email/first_name; IdentityNumberValidator reads identity_numbers)."""

    # UserAttributeSimilarityValidator names the similar field through the model's _meta.
    _meta: ClassVar[Any] = User._meta

    username: str
    email: str = ""
    first_name: str = ""
    identity_numbers: list[str] = field(default_factory=list)


def password_subject(participant: Participant, email: str = "") -> PasswordSubject:
    return PasswordSubject(
        username=participant.nik or participant.card_number,
        email=email,
        first_name=participant.name,
        identity_numbers=[
            participant.nik or "",
            participant.card_number,
            participant.birth_date.strftime("%d%m%Y"),
            participant.birth_date.strftime("%Y%m%d"),
            participant.birth_date.strftime("%d%m%y"),
        ],
    )


def check_password_rules(password: str, subject: PasswordSubject, field: str = "password") -> None:
    try:
        validate_password(password, user=subject)  # type: ignore[arg-type]  # duck-typed
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], fields={field: list(exc.messages)}) from exc


def audit(
    *, account: Account, action: str, actor: User | None = None, reason: str = ""
) -> AccountAuditEntry:
    return AccountAuditEntry.objects.create(
        account=account, action=action, actor=actor, reason=reason
    )
