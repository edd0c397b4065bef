"""Factories for participant accounts (a participant with a login, contact and PIN)."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.factories import UserFactory
from core.models import User
from participants.factories import ParticipantFactory
from participants.models import Participant

from .models import Account

DEMO_PIN = "147258"


def participant_with_account(
    *,
    participant: Participant | None = None,
    email: str = "",
    phone: str = "+6281234567890",
    pin: str | None = None,
) -> Participant:
    """A participant whose login (username = NIK) has an Account with e-mail and phone."""
    participant = participant or ParticipantFactory.create()
    user: User = UserFactory.create(username=participant.nik or participant.card_number)
    email = email or f"peserta{participant.pk}@contoh.id"
    user.email = email
    user.save(update_fields=["email"])
    Account.objects.create(
        user=user,
        email=email,
        email_key=email.lower(),
        phone=phone,
        email_verified_at=timezone.now(),
        phone_verified_at=timezone.now() if phone else None,
        pin_hash=make_password(pin) if pin else "",
    )
    participant.user = user
    participant.save(update_fields=["user"])
    return participant
