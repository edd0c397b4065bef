"""accounts' part of the demo: every demo login gets its contact channels (verified) and the
demo PIN, so Lupa Password and the PIN work at once. Participants without a login (e.g. Siti
Rahayu, Budi's wife) are left for "Create an account" (README)."""

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Account
from participants.models import Participant

DEMO_PIN = "147258"


def demo_email(name: str) -> str:
    return ".".join(name.lower().split()[:2]) + "@contoh.id"


def seed_participant_accounts() -> int:
    created = 0
    now = timezone.now()
    logins = Participant.objects.filter(user__isnull=False, user__account__isnull=True)
    for index, participant in enumerate(logins.select_related("user").order_by("card_number")):
        user = participant.user
        assert user is not None  # filtered above
        email = demo_email(participant.name)
        Account.objects.create(
            user=user,
            email=email,
            email_key=email,
            phone=f"+628120000{index + 1:04d}",
            email_verified_at=now,
            phone_verified_at=now,
            pin_hash=make_password(DEMO_PIN),
        )
        user.email = email
        user.save(update_fields=["email"])
        created += 1
    return created
