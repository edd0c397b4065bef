"""Access matrix: a participant reaches only their own family; out of scope answers exactly
like "not found"; nothing changes."""

import pytest
from django.test import Client

from families.models import FamilyCard
from participants.models import Participant

from .conftest import bearer

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Participant.objects.order_by("pk").values()), list(
        FamilyCard.objects.order_by("pk").values()
    )


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_member_of_another_family_is_404_like_a_missing_card(family_a, family_b):
    family, _ = family_a
    _, intruder = family_b
    foreign = family.memberships.filter(is_main=False).first().participant
    before = snapshot()
    client = bearer(intruder.user)
    foreign_response = client.get(f"/api/v1/participants/{foreign.card_number}/")
    missing_response = client.get("/api/v1/participants/9999999999999/")
    assert foreign_response.status_code == missing_response.status_code == 404
    assert foreign_response.json() == missing_response.json()
    assert snapshot() == before


def test_api_my_family_contains_only_my_family(family_a, family_b):
    family, head = family_a
    other, _ = family_b
    cards = {
        m["card_number"] for m in bearer(head.user).get("/api/v1/me/family/").json()["members"]
    }
    assert cards == set(family.memberships.values_list("participant__card_number", flat=True))
    assert cards.isdisjoint(other.memberships.values_list("participant__card_number", flat=True))


def test_page_member_of_another_family_is_404_like_a_missing_card(family_a, family_b):
    family, _ = family_a
    _, intruder = family_b
    foreign = family.memberships.filter(is_main=False).first().participant
    before = snapshot()
    client = page_client(intruder.user)
    assert client.get(f"/info-peserta/{foreign.card_number}/").status_code == 404
    assert client.get("/info-peserta/9999999999999/").status_code == 404
    page = client.get("/info-peserta/").content.decode()
    assert foreign.card_number not in page and foreign.name not in page
    assert snapshot() == before


def test_former_member_who_moved_out_is_no_longer_visible(family_a):
    from datetime import date

    family, head = family_a
    leaver = family.memberships.filter(is_main=False).first()
    leaver.valid_to = date(2026, 10, 31)
    leaver.save()
    response = bearer(head.user).get(f"/api/v1/participants/{leaver.participant.card_number}/")
    assert response.status_code == 404


def test_staff_and_facility_accounts_have_no_family_pages(family_a):
    from core.factories import FacilityUserFactory, StaffUserFactory

    for user in (StaffUserFactory(), FacilityUserFactory()):
        assert page_client(user).get("/info-peserta/").status_code == 404
        assert bearer(user).get("/api/v1/me/family/").status_code == 403
