import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.factories import participant_with_account
from dukcapil_sync.tests.conftest import registry, registry_process  # noqa: F401 (fixtures)
from families.factories import family_with_members
from families.models import FamilyCard
from messaging.models import Message
from participants.models import Participant
from tests.conftest import bearer

PIN = "246810"


def family_with_login(size: int = 3, **kw) -> tuple[FamilyCard, Participant]:  # type: ignore[no-untyped-def]
    """A family whose head has a self-service account (e-mail, phone, PIN)."""
    family = family_with_members(size=size, **kw)
    head = family.memberships.get(is_main=True).participant
    participant_with_account(participant=head, pin=PIN)
    head.refresh_from_db()
    return family, head


def members(family: FamilyCard) -> list[Participant]:
    return [
        m.participant
        for m in family.memberships.filter(valid_to__isnull=True)
        .select_related("participant")
        .order_by("-is_main", "pk")
    ]


def last_code(destination: str) -> str:
    """The code as the participant reads it: from the message queued to them."""
    message = Message.objects.filter(destination=destination).order_by("-id").first()
    assert message is not None, f"no message to {destination}"
    found = re.search(r"\b(\d{6})\b", message.body_text)
    assert found, message.body_text
    return found.group(1)


@pytest.fixture
def family_a() -> tuple[FamilyCard, Participant]:
    return family_with_login(3, paid_through=timezone.localdate().replace(day=1))


@pytest.fixture
def client_a(family_a: tuple[FamilyCard, Participant]) -> APIClient:
    return bearer(family_a[1].user)


def ask_fktp(client, head, facility, **extra):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/me/changes/fktp/",
        {"card_number": head.card_number, "facility_code": facility.code, **extra},
        format="json",
    )


def scheduled_fktp(client, head, facility, *, whole_family: bool = False) -> dict:  # type: ignore[no-untyped-def]
    """Ask for an FKTP change and confirm it with the code from the e-mail and the PIN."""
    body = ask_fktp(client, head, facility, whole_family=whole_family).json()
    confirmed = client.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": last_code(head.user.account.email), "pin": PIN},
        format="json",
    )
    assert confirmed.status_code == 200, confirmed.json()
    return body
