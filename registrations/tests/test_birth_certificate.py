"""A baby registered with the birth-certificate number before a NIK: the number is kept on the
participant (not only in the registration), shown to branch staff in the admin and masked to
the family on Info Peserta, and kept when the NIK arrives, from the registry sync or from a
staff correction."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.formatting import mask_number
from dukcapil_sync.models import SyncRun
from dukcapil_sync.services import family_sync
from dukcapil_sync.tests.conftest import new_nik
from participants.factories import months_ago
from participants.models import Participant
from participants.services import participant_correct
from tests.conftest import bearer, make_family
from tests.test_admin import change_url, staff_of

pytestmark = pytest.mark.django_db
CERTIFICATE = "AL.3174-0042/2026"
FAMILY_PAGE = "/info-peserta/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def baby_birth() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=5)


@pytest.fixture
def registered_baby(registry, baby_birth):
    """A PBPU family adds its newborn on the Tambah anggota page, certificate only."""
    family, head = make_family(2, paid_through=months_ago(0))
    registry.mirror(family)
    response = signed_in(head.user).post(
        reverse("registrations:member_add"),
        {
            "relationship": "ANAK",
            "birth_certificate_number": f" {CERTIFICATE} ",
            "name": "BAYI NY. SARI",
            "birth_place": "JAKARTA",
            "birth_date": baby_birth.isoformat(),
            "sex": "P",
        },
    )
    assert response.status_code == 302
    return family, head, Participant.objects.get(name="BAYI NY. SARI")


def test_the_certificate_number_is_kept_on_the_participant_and_shown_masked(registered_baby):
    family, head, baby = registered_baby

    assert (baby.nik, baby.birth_certificate_number) == (None, CERTIFICATE)
    history = baby.history.first()
    assert history is not None and history.birth_certificate_number == CERTIFICATE
    page = signed_in(head.user).get(FAMILY_PAGE).content.decode()
    assert mask_number(CERTIFICATE) in page
    assert CERTIFICATE not in page
    detail = signed_in(head.user).get(reverse("families:member", args=[baby.card_number]))
    assert mask_number(CERTIFICATE) in detail.content.decode()
    api = bearer(head.user).get("/api/v1/me/family/").json()
    shown = {m["name"]: m["birth_certificate_number"] for m in api["members"]}
    assert shown["BAYI NY. SARI"] == mask_number(CERTIFICATE)

    # Branch staff see the number in full on the participant's page (to check the akta).
    staff_page = signed_in(staff_of(family.branch)).get(change_url(baby)).content.decode()
    assert CERTIFICATE in staff_page


def test_the_nik_from_the_registry_sync_keeps_the_certificate(
    registry, registered_baby, baby_birth
):
    family, head, baby = registered_baby
    nik = new_nik(birth_date=baby_birth, sex="P", district=family.number[:6])
    registry.control(
        {
            "action": "birth",
            "kk_number": family.number,
            "nik": nik,
            "name": "SARI AYU LESTARI",
            "birth_date": baby_birth.isoformat(),
            "sex": "P",
            "birth_place": "JAKARTA",
        }
    )

    family_sync(family=family, trigger=SyncRun.Trigger.PARTICIPANT, actor=head.user)

    baby.refresh_from_db()
    assert (baby.nik, baby.name, baby.birth_certificate_number) == (
        nik,
        "SARI AYU LESTARI",
        CERTIFICATE,
    )
    page = signed_in(head.user).get(FAMILY_PAGE).content.decode()
    assert mask_number(CERTIFICATE) in page and mask_number(nik) in page


def test_a_staff_correction_of_the_nik_keeps_the_certificate(registered_baby, baby_birth):
    family, _head, baby = registered_baby
    nik = new_nik(birth_date=baby_birth, sex="P", district=family.number[:6])

    participant_correct(
        participant=baby,
        actor=staff_of(family.branch),
        reason="NIK dari KK baru",
        changes={"nik": nik},
    )

    baby.refresh_from_db()
    assert (baby.nik, baby.birth_certificate_number) == (nik, CERTIFICATE)
