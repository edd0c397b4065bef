"""Pendaftaran Pengguna: a participant creates their own login (issue 9 point 1)."""

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import User
from messaging.models import Channel
from participants.models import Participant
from participants.services import participant_link_user

from ..errors import AccountExists, EmailTaken
from ..identity import normalize_email
from ..models import Account, AccountAuditEntry, OneTimeCode
from ._common import audit, check_password_rules, password_subject
from .codes import IssuedCode, code_consume, code_issue

EMAIL_TAKEN = _("This e-mail address is already used by another account.")


def _refuse_if_taken(*, participant: Participant, email_key: str) -> None:
    if participant.user_id is not None:
        raise AccountExists(_("An account already exists for this participant."))
    if Account.objects.filter(email_key=email_key).exists():
        raise EmailTaken(EMAIL_TAKEN, fields={"email": [str(EMAIL_TAKEN)]})


def signup_start(
    *,
    participant: Participant,
    email: str,
    phone: str,
    password: str,
    channel: str,
    language: str = "id",
) -> IssuedCode:
    """Check the chosen e-mail and password and send the code; the account is created only
    when the code comes back (signup_complete), so an abandoned attempt leaves no account."""
    email_key = normalize_email(email)
    _refuse_if_taken(participant=participant, email_key=email_key)
    check_password_rules(password, password_subject(participant, email_key))
    destination = email_key if channel == Channel.EMAIL else phone
    return code_issue(
        purpose=OneTimeCode.Purpose.SIGNUP,
        participant=participant,
        channel=channel,
        destination=destination,
        payload={
            "email": email_key,
            "phone": phone,
            "password_hash": make_password(password),
            "language": language,
        },
        language=language,
    )


def signup_complete(*, request_id: str, code: str) -> User:
    """The code proves the chosen channel: create the login, the account and link them."""
    otc = code_consume(request_id=request_id, purpose=OneTimeCode.Purpose.SIGNUP, code=code)
    payload = otc.payload
    now = timezone.now()
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=otc.participant_id)
        _refuse_if_taken(participant=participant, email_key=payload["email"])
        username = participant.nik or participant.card_number
        if User.objects.filter(username=username).exists():
            raise AccountExists(_("An account already exists for this participant."))
        user = User(
            username=username,
            role=User.Role.PARTICIPANT,
            email=payload["email"],
            password=payload["password_hash"],
        )
        user.save()
        account = Account.objects.create(
            user=user,
            email=payload["email"],
            email_key=payload["email"],
            phone=payload["phone"],
            email_verified_at=now if otc.channel == Channel.EMAIL else None,
            phone_verified_at=now if otc.channel == Channel.SMS else None,
            language=payload.get("language", "id"),
        )
        participant_link_user(participant=participant, user=user)
        audit(account=account, action=AccountAuditEntry.Action.CREATED, actor=user)
        # The password hash has done its job; it does not stay beside the code.
        OneTimeCode.objects.filter(pk=otc.pk).update(payload={"language": account.language})
    return user
