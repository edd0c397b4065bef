"""Tambah anggota keluarga (POST /api/v1/me/family/members/): the segment's rules, what
Dukcapil says about the NIK, the newborn with a birth certificate, nothing half-registered."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from core.factories import FacilityUserFactory
from families.models import FamilyMembership
from participants.models import Participant, Segment
from tests.conftest import bearer, make_family

from ..models import Registration

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/family/members/"
TODAY = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
SPOUSE_BIRTH = dt.date(1987, 3, 14)


def family_of(segment: str = "PBPU", **kwargs: Any):
    family, head = make_family(2, segment=Segment.objects.get(code=segment), **kwargs)
    return family, head


def put_on_kk(registry, family, *, nik: str, name: str, birth: dt.date, sex: str, rel: str):
    """Dukcapil lists this person on the family's KK."""
    registry.control(
        {
            "action": "upsert_person",
            "nik": nik,
            "name": name,
            "birth_place": "JAKARTA",
            "birth_date": birth.isoformat(),
            "sex": sex,
            "address": "JL. MANGGA 5",
        },
        {
            "action": "upsert_family",
            "kk_number": family.number,
            "address": "JL. MANGGA 5",
            "district_code": family.number[:6],
            "members": [[nik, rel]],
            "valid_from": "2020-01-01",
        },
    )


def spouse_nik() -> str:
    from dukcapil_sync.tests.conftest import new_nik

    return new_nik(birth_date=SPOUSE_BIRTH, sex="P")


def spouse_body(nik: str, **changes: Any) -> dict[str, Any]:
    return {
        "nik": nik,
        "name": "Dewi Lestari",
        "birth_place": "Jakarta",
        "birth_date": SPOUSE_BIRTH.isoformat(),
        "sex": "P",
        "relationship": "PASANGAN",
        **changes,
    }


@time_machine.travel(TODAY, tick=False)
def test_a_pbpu_family_adds_a_newborn_with_the_birth_certificate(registry):
    family, head = family_of(paid_through=dt.date(2026, 12, 1))
    response = bearer(head.user).post(
        URL,
        {
            "birth_certificate_number": "3174-LU-20112026-0042",
            "name": "Bayi Putri",
            "birth_date": "2026-11-20",
            "sex": "P",
            "relationship": "ANAK",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Covered from birth once November and December are paid (class III: Rp35.000 a month).
    assert (body["kind"], body["state"], body["status"], body["status_reason"]) == (
        "NEWBORN",
        "AWAITING_PAYMENT",
        "TIDAK_AKTIF",
        "AWAITING_FIRST_PAYMENT",
    )
    assert body["virtual_account"] == family.virtual_account
    assert (body["amount_due"], body["amount_due_display"]) == (70_000, "Rp70.000")
    baby = Participant.objects.get(name="Bayi Putri")
    assert (baby.nik, baby.coverage_start, baby.segment_id) == (None, dt.date(2026, 11, 20), "PBPU")
    registration = Registration.objects.get(kind="NEWBORN")
    assert registration.data["birth_certificate_number"] == "3174-LU-20112026-0042"


@time_machine.travel(TODAY, tick=False)
def test_a_pbpu_family_adds_a_member_dukcapil_lists_on_its_kk(registry):
    family, head = family_of(paid_through=dt.date(2026, 12, 1))
    nik = spouse_nik()
    put_on_kk(
        registry, family, nik=nik, name="DEWI LESTARI", birth=SPOUSE_BIRTH, sex="P", rel="PASANGAN"
    )
    response = bearer(head.user).post(URL, spouse_body(nik), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["state"], body["status_reason"], body["amount_due"]) == (
        "ADD_MEMBER",
        "AWAITING_PAYMENT",
        "AWAITING_FIRST_PAYMENT",
        35_000,
    )
    assert FamilyMembership.objects.filter(family=family, valid_to__isnull=True).count() == 3


@pytest.mark.parametrize(
    ("registry_person", "body_changes", "code"),
    [
        (None, {}, "NIK_NOT_FOUND"),
        ({"name": "DEWI ANGGRAINI"}, {}, "DUKCAPIL_MISMATCH"),
        ({"kk_number": "3174019999990001"}, {}, "NOT_ON_KK"),
    ],
)
def test_what_dukcapil_says_about_the_nik_refuses_with_the_next_step(
    registry, registry_person, body_changes, code
):
    family, head = family_of()
    nik = spouse_nik()
    if registry_person is not None:
        kk = registry_person.get("kk_number")
        target = type("F", (), {"number": kk})() if kk else family
        put_on_kk(
            registry,
            target,
            nik=nik,
            name=registry_person.get("name", "DEWI LESTARI"),
            birth=SPOUSE_BIRTH,
            sex="P",
            rel="PASANGAN",
        )
    before = Participant.objects.count()
    response = bearer(head.user).post(URL, spouse_body(nik, **body_changes), format="json")
    assert (response.status_code, response.json()["code"]) == (409, code)
    assert Participant.objects.count() == before
    assert not Registration.objects.exists()


def test_a_nik_already_registered_is_refused(registry):
    family, head = family_of()
    other, _ = family_of()
    taken = other.memberships.exclude(is_main=True).first().participant
    response = bearer(head.user).post(
        URL,
        spouse_body(
            taken.nik, name=taken.name, birth_date=taken.birth_date.isoformat(), sex=taken.sex
        ),
        format="json",
    )
    body = response.json()
    assert (response.status_code, body["code"]) == (409, "NIK_ALREADY_REGISTERED")
    assert taken.card_number not in body["message"]
    assert "Sinkronkan data keluarga" in body["message"]


def test_a_pbi_apbd_family_is_sent_to_dinas_sosial(registry):
    _family, head = family_of("PBI_APBD")
    response = bearer(head.user).post(URL, spouse_body(spouse_nik()), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "PBI_ASK_DINAS_SOSIAL")
    assert "Dinas Sosial" in response.json()["message"]


@time_machine.travel(TODAY, tick=False)
def test_a_pbi_jk_family_registers_its_newborn_the_state_pays(registry):
    _family, head = family_of("PBI_APBN")
    response = bearer(head.user).post(
        URL,
        {
            "birth_certificate_number": "AL-77",
            "name": "Bayi Putra",
            "birth_date": "2026-11-25",
            "sex": "L",
            "relationship": "ANAK",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["state"], body["status"], body["amount_due"]) == (
        "NEWBORN",
        "COMPLETED",
        "AKTIF",
        0,
    )
    # But an adult member of a PBI JK family is the government's to add.
    again = bearer(head.user).post(URL, spouse_body(spouse_nik()), format="json")
    assert again.json()["code"] == "PBI_ASK_DINAS_SOSIAL"


def test_a_ppu_family_adds_no_other_relatives(registry):
    family, head = family_of("PPU_BU", salary=8_000_000)
    nik = spouse_nik()
    put_on_kk(
        registry, family, nik=nik, name="DEWI LESTARI", birth=SPOUSE_BIRTH, sex="P", rel="LAINNYA"
    )
    before = Participant.objects.count()
    response = bearer(head.user).post(URL, spouse_body(nik, relationship="LAINNYA"), format="json")
    body = response.json()
    assert (response.status_code, body["code"]) == (409, "PPU_NOT_DEPENDANT")
    assert "PBPU" in body["message"]
    assert Participant.objects.count() == before
    assert not Registration.objects.exists()


def test_an_adult_without_nik_and_bad_input_are_field_errors(registry):
    _family, head = family_of()
    client = bearer(head.user)
    adult = client.post(
        URL,
        {
            "birth_certificate_number": "AL-1",
            "name": "X",
            "birth_date": "2000-01-01",
            "sex": "L",
            "relationship": "ANAK",
        },
        format="json",
    )
    assert (adult.status_code, list(adult.json()["fields"])) == (400, ["nik"])
    bad = client.post(URL, {"name": "", "sex": "X"}, format="json")
    assert bad.status_code == 400
    assert {"name", "sex", "birth_date", "relationship"} <= set(bad.json()["fields"])


def test_only_a_participant_adds_members():
    assert APIClient().post(URL, {}, format="json").status_code == 401
    assert bearer(FacilityUserFactory()).post(URL, {}, format="json").status_code == 403
