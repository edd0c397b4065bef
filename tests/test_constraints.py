"""Invariants live in the database, so no path around the services can break them."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from families.factories import FamilyCardFactory, FamilyMembershipFactory
from families.models import Relationship
from participants.factories import ParticipantFactory
from participants.models import Participant

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_nik_is_unique_among_live_participants_only():
    p = ParticipantFactory()
    assert refused(lambda: ParticipantFactory(nik=p.nik))
    retired = ParticipantFactory(nik="3174010101800099")
    Participant.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    assert not refused(lambda: ParticipantFactory(nik="3174010101800099"))


def test_card_number_unique_and_13_digits():
    p = ParticipantFactory()
    assert refused(lambda: ParticipantFactory(card_number=p.card_number))
    assert refused(lambda: ParticipantFactory(card_number="12345"))


def test_nik_must_be_16_digits_in_the_database():
    assert refused(lambda: ParticipantFactory(nik="31740101018000AB"))


def test_one_head_and_one_main_participant_per_family_at_a_time():
    family = FamilyCardFactory()
    FamilyMembershipFactory(family=family, relationship=Relationship.HEAD, is_main=True)
    assert refused(lambda: FamilyMembershipFactory(family=family, relationship=Relationship.HEAD))
    assert refused(lambda: FamilyMembershipFactory(family=family, is_main=True))


def test_a_participant_has_one_current_family_and_dated_history():
    person = ParticipantFactory()
    old = FamilyMembershipFactory(participant=person)
    assert refused(lambda: FamilyMembershipFactory(participant=person))
    old.valid_to = date(2026, 10, 31)
    old.save()
    assert not refused(
        lambda: FamilyMembershipFactory(participant=person, valid_from=date(2026, 11, 1))
    )
    assert refused(
        lambda: FamilyMembershipFactory(
            participant=ParticipantFactory(),
            valid_from=date(2026, 11, 1),
            valid_to=date(2026, 10, 1),
        )
    )
