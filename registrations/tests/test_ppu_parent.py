"""A PPU family adds a parent Dukcapil lists on its KK: the registry knows parents and
parents-in-law (not only "other relative"), the sync panel's offer carries the relationship
into Tambah anggota keluarga, and the 1% is shown. The relationship is Dukcapil's, not typed."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.formatting import rupiah
from dukcapil_sync.models import Discrepancy, SyncRun
from dukcapil_sync.services import family_sync
from dukcapil_sync.tests.conftest import new_nik
from families.models import FamilyMembership
from participants.factories import months_ago
from participants.models import Participant, Segment
from tests.conftest import make_family

from ..models import Registration

pytestmark = pytest.mark.django_db
MOTHER_BIRTH = dt.date(1952, 5, 17)
SALARY = 8_000_000


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ppu_family_with_mother_on_kk(registry, relationship: str):
    family, head = make_family(
        2, segment=Segment.objects.get(code="PPU_BU"), salary=SALARY, paid_through=months_ago(0)
    )
    nik = new_nik(birth_date=MOTHER_BIRTH, sex="P", district=family.number[:6])
    current = FamilyMembership.objects.filter(family=family, valid_to__isnull=True)
    registry.mirror(family)
    registry.control(
        {
            "action": "upsert_person",
            "nik": nik,
            "name": "SRI HANDAYANI",
            "birth_place": "SOLO",
            "birth_date": MOTHER_BIRTH.isoformat(),
            "sex": "P",
            "address": family.address,
        },
        {
            "action": "upsert_family",
            "kk_number": family.number,
            "address": family.address,
            "district_code": family.number[:6],
            "members": [
                *(
                    [m.participant.nik, m.relationship]
                    for m in current.select_related("participant")
                ),
                [nik, relationship],
            ],
            "valid_from": "2020-01-01",
        },
    )
    return family, head, nik


def mother_body(nik: str, relationship: str) -> dict[str, str]:
    return {
        "relationship": relationship,
        "nik": nik,
        "name": "SRI HANDAYANI",
        "birth_place": "SOLO",
        "birth_date": MOTHER_BIRTH.isoformat(),
        "sex": "P",
    }


def test_a_ppu_family_adds_the_parent_dukcapil_lists_with_the_one_percent_shown(registry):
    family, head, nik = ppu_family_with_mother_on_kk(registry, "ORANG_TUA")
    family_sync(family=family, trigger=SyncRun.Trigger.PARTICIPANT, actor=head.user)
    offer = Discrepancy.objects.get(kind="NEW_KK_MEMBER", family=family, status="OPEN")
    assert offer.detail["relationship"] == "ORANG_TUA"
    client = signed_in(head.user)
    link = reverse("registrations:member_add") + f"?offer={offer.pk}"
    assert client.get(link).context["form"].initial["relationship"] == "ORANG_TUA"

    response = client.post(link, {"offer": offer.pk, **mother_body(nik, "ORANG_TUA")})

    assert response.status_code == 302
    mother = Participant.objects.get(nik=nik)
    membership = FamilyMembership.objects.get(participant=mother, valid_to__isnull=True)
    assert (membership.family, membership.relationship, mother.segment_id) == (
        family,
        "ORANG_TUA",
        "PPU_BU",
    )
    # The employer's bill carries her 1% (paid by the worker): nothing to pay to a VA.
    assert Registration.objects.get(family=family).state == "COMPLETED"
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="ppu-further"' in page
    assert rupiah(SALARY // 100) in page
    offer.refresh_from_db()
    assert offer.status == "ACCEPTED"


def test_a_relative_dukcapil_lists_as_other_cannot_be_added_as_a_parent(registry):
    family, head, nik = ppu_family_with_mother_on_kk(registry, "LAINNYA")
    before = Participant.objects.count()

    response = signed_in(head.user).post(
        reverse("registrations:member_add"), mother_body(nik, "ORANG_TUA")
    )

    assert response.status_code == 200
    assert response.context["error"].code == "DUKCAPIL_MISMATCH"
    assert Participant.objects.count() == before
    assert not Registration.objects.exists()
