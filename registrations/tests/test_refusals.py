"""Every refusal of the registration flow: a clear code and message, the next step, and
nothing half-registered."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from rest_framework.test import APIClient

from core.factories import StaffUserFactory, UserFactory
from families.models import FamilyCard
from participants.factories import ParticipantFactory
from participants.models import Participant, Segment
from tests.conftest import bearer

from ..models import Registration
from .conftest import FAMILY_OF_THREE, put_family
from .flow import BASE, delivered, last_code, nik_list, register_until_consent, step

pytestmark = pytest.mark.django_db


def draft_at_kk(client: APIClient) -> str:
    reg_id = client.post(BASE, {}, format="json").json()["id"]
    step(client, reg_id, "terms", {"accepted": True})
    return reg_id


def nothing_registered() -> bool:
    return not FamilyCard.objects.exists() and not Participant.objects.exists()


def test_a_partial_family_is_refused_with_who_is_missing_and_why(new_family, place):
    client = APIClient()
    reg_id = draft_at_kk(client)
    step(client, reg_id, "kk", {"kk_number": new_family.kk_number})
    two = [{"nik": m["nik"], "fktp_id": place.near.pk} for m in new_family.members[:2]]

    response = step(client, reg_id, "members", {"members": two})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "PARTIAL_FAMILY"
    assert body["message"].endswith(": RAKA PUTRA.")
    assert any("RAKA PUTRA" in m for m in body["fields"]["members"])
    assert Registration.objects.get(public_id=reg_id).step == "MEMBERS"
    assert nothing_registered()


def test_a_member_already_covered_in_another_segment_is_shown_and_not_required(
    registry, place, django_capture_on_commit_callbacks
):
    family = put_family(registry, FAMILY_OF_THREE)
    ppu = Segment.objects.get(code="PPU_BU")
    ParticipantFactory(
        nik=family.nik("PASANGAN"),
        segment=ppu,
        salary=6_000_000,
        birth_date=dt.date(1986, 4, 2),
        sex="P",
    )
    client = APIClient()
    reg_id = draft_at_kk(client)

    pulled = step(client, reg_id, "kk", {"kk_number": family.kk_number}).json()

    spouse = next(m for m in pulled["members"] if m["relationship"] == "PASANGAN")
    assert spouse["case"] == "COVERED_ELSEWHERE"
    assert "PPU Badan Usaha" in spouse["note"]
    assert [q["total"] for q in pulled["class_quotes"]] == [300_000, 200_000, 70_000]
    # The two others are the whole family to register.
    others = [{"nik": n, "fktp_id": place.near.pk} for n in nik_list(client, reg_id)]
    assert len(others) == 2
    assert step(client, reg_id, "members", {"members": others}).status_code == 200


def test_a_member_dukcapil_records_as_dead_is_not_registered(registry, place):
    family = put_family(registry, FAMILY_OF_THREE, dead=("SITI AMINAH",))
    client = APIClient()
    reg_id = draft_at_kk(client)
    pulled = step(client, reg_id, "kk", {"kk_number": family.kk_number}).json()
    assert [(m["name"], m["case"]) for m in pulled["members"]] == [
        ("BUDI SANTOSO", "REQUIRED"),
        ("SITI AMINAH", "DECEASED"),
        ("RAKA PUTRA", "REQUIRED"),
    ]


def test_an_unknown_kk_is_refused_with_the_next_step(registry, place):
    client = APIClient()
    reg_id = draft_at_kk(client)
    response = step(client, reg_id, "kk", {"kk_number": "3174050101209999"})
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "KK_NOT_FOUND"
    assert "Dukcapil" in body["message"] and "165" in body["message"]
    assert Registration.objects.get(public_id=reg_id).kk_number == ""


def test_a_malformed_kk_is_a_field_error(registry, place):
    client = APIClient()
    reg_id = draft_at_kk(client)
    response = step(client, reg_id, "kk", {"kk_number": "31740501"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["kk_number"]


def test_a_registered_kk_points_to_tambah_anggota(
    new_family, place, django_capture_on_commit_callbacks
):
    client = APIClient()
    reg_id = register_until_consent(
        client, new_family.kk_number, place.near.pk, capture=django_capture_on_commit_callbacks
    )
    step(client, reg_id, "submit", {"consent": True})
    again = draft_at_kk(client)
    response = step(client, again, "kk", {"kk_number": new_family.kk_number})
    assert response.status_code == 409
    assert response.json()["code"] == "KK_ALREADY_REGISTERED"
    assert "Tambah anggota keluarga" in response.json()["message"]


def test_everyone_already_a_participant_leaves_nothing_to_register(registry, place):
    family = put_family(registry, FAMILY_OF_THREE[:1])
    ParticipantFactory(nik=family.members[0]["nik"], birth_date=dt.date(1986, 4, 2), sex="P")
    client = APIClient()
    response = step(client, draft_at_kk(client), "kk", {"kk_number": family.kk_number})
    assert (response.status_code, response.json()["code"]) == (409, "NOTHING_TO_REGISTER")


def test_an_fktp_far_from_the_district_is_refused(new_family, place):
    client = APIClient()
    reg_id = draft_at_kk(client)
    step(client, reg_id, "kk", {"kk_number": new_family.kk_number})
    chosen = [{"nik": m["nik"], "fktp_id": place.far.pk} for m in new_family.members]
    response = step(client, reg_id, "members", {"members": chosen})
    assert response.status_code == 400
    assert len(response.json()["fields"]) == 3


def test_steps_go_in_order(new_family, place):
    client = APIClient()
    reg_id = draft_at_kk(client)
    response = step(client, reg_id, "class", {"care_class": 1})
    assert (response.status_code, response.json()["code"]) == (409, "STEP_NOT_REACHED")


def test_the_registry_down_keeps_the_draft_and_says_so(new_family, place, registry):
    client = APIClient()
    reg_id = draft_at_kk(client)
    registry.faults(outage=True)
    response = step(client, reg_id, "kk", {"kk_number": new_family.kk_number})
    assert response.status_code == 503
    assert response.json()["code"] == "REGISTRY_UNAVAILABLE"
    assert Registration.objects.get(public_id=reg_id).state == "DRAFT"


def test_a_left_draft_resumes_and_then_expires(new_family, place):
    client = APIClient()
    with time_machine.travel(dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)):
        reg_id = draft_at_kk(client)
        step(client, reg_id, "kk", {"kk_number": new_family.kk_number})
    with time_machine.travel(dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC)):
        resumed = client.get(f"{BASE}{reg_id}/").json()
        assert (resumed["state"], resumed["step"]) == ("DRAFT", "MEMBERS")
    with time_machine.travel(dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)):
        response = step(client, reg_id, "class", {"care_class": 1})
        assert (response.status_code, response.json()["code"]) == (410, "DRAFT_EXPIRED")
        assert client.get(f"{BASE}{reg_id}/").json()["state"] == "EXPIRED"


def test_a_wrong_code_counts_and_too_many_end_the_code(
    new_family, place, django_capture_on_commit_callbacks
):
    client = APIClient()
    reg_id = draft_at_kk(client)
    step(client, reg_id, "kk", {"kk_number": new_family.kk_number})
    step(
        client,
        reg_id,
        "members",
        {"members": [{"nik": m["nik"], "fktp_id": place.near.pk} for m in new_family.members]},
    )
    step(client, reg_id, "class", {"care_class": 3})
    with django_capture_on_commit_callbacks(execute=True):
        step(client, reg_id, "contact", {"email": "a@contoh.id"})
    delivered()
    assert len(mail.outbox) == 1
    for _ in range(5):
        wrong = step(client, reg_id, "verify", {"code": "000000"})
        assert wrong.json()["code"] in ("CODE_WRONG", "CODE_EXPIRED")
    assert Registration.objects.get(public_id=reg_id).code_attempts == 5
    right = last_code("a@contoh.id")
    response = step(client, reg_id, "verify", {"code": right})
    assert response.json()["code"] == "CODE_EXPIRED"
    assert step(client, reg_id, "submit", {"consent": True}).json()["code"] == "STEP_NOT_REACHED"


def test_submit_needs_consent_and_leaves_nothing_without_it(
    new_family, place, django_capture_on_commit_callbacks
):
    client = APIClient()
    reg_id = register_until_consent(
        client, new_family.kk_number, place.near.pk, capture=django_capture_on_commit_callbacks
    )
    response = step(client, reg_id, "submit", {"consent": False})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["consent"]
    assert nothing_registered()


def test_a_nik_registered_meanwhile_refuses_the_submit_and_leaves_nothing(
    new_family, place, django_capture_on_commit_callbacks
):
    client = APIClient()
    reg_id = register_until_consent(
        client, new_family.kk_number, place.near.pk, capture=django_capture_on_commit_callbacks
    )
    child = ParticipantFactory(
        nik=new_family.nik("ANAK"), birth_date=dt.date(2015, 1, 20), name="RAKA PUTRA"
    )
    response = step(client, reg_id, "submit", {"consent": True})
    assert (response.status_code, response.json()["code"]) == (409, "NIK_ALREADY_REGISTERED")
    assert not FamilyCard.objects.exists()
    assert list(Participant.objects.values_list("pk", flat=True)) == [child.pk]


def test_another_users_draft_is_not_found():
    owner, other = UserFactory(), UserFactory()
    reg_id = bearer(owner).post(BASE, {}, format="json").json()["id"]
    for client in (bearer(other), APIClient()):
        assert client.get(f"{BASE}{reg_id}/").status_code == 404
        response = step(client, reg_id, "terms", {"accepted": True})
        assert response.status_code == 404
    assert Registration.objects.get(public_id=reg_id).step == "TERMS"
    assert APIClient().get(f"{BASE}not-a-uuid/").status_code == 404


def test_staff_at_the_counter_give_a_reason():
    staff = StaffUserFactory()
    client = bearer(staff)
    refused = client.post(BASE, {}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["fields"]) == ["counter_reason"]
    assert not Registration.objects.exists()
    made = client.post(BASE, {"counter_reason": "Peserta datang ke loket"}, format="json")
    registration = Registration.objects.get(public_id=made.json()["id"])
    assert (registration.counter_reason, registration.branch) == (
        "Peserta datang ke loket",
        staff.branch,
    )


def test_a_wrong_bot_check_answer_asks_the_registry_nothing(new_family, place):
    client = APIClient()
    reg_id = draft_at_kk(client)
    response = step(
        client,
        reg_id,
        "kk",
        {"kk_number": new_family.kk_number, "captcha_key": "nope", "captcha_value": "1"},
    )
    assert (response.status_code, response.json()["code"]) == (400, "BOT_CHECK_FAILED")
    assert list(response.json()["fields"]) == ["captcha_value"]
    assert Registration.objects.get(public_id=reg_id).kk_number == ""


def test_with_the_head_deceased_the_spouse_is_the_main_participant(
    registry, place, django_capture_on_commit_callbacks
):
    # DESIGN 4.5: head of family, then spouse, then eldest child, then eldest relative.
    family = put_family(
        registry,
        [*FAMILY_OF_THREE, ("ANDI PUTRA", dt.date(2012, 5, 5), "L", "ANAK")],
        dead=("BUDI SANTOSO",),
    )
    client = APIClient()
    reg_id = register_until_consent(
        client, family.kk_number, place.near.pk, capture=django_capture_on_commit_callbacks
    )
    assert step(client, reg_id, "submit", {"consent": True}).status_code == 200
    card = FamilyCard.objects.get(number=family.kk_number)
    members = card.memberships.select_related("participant").order_by("participant__birth_date")
    assert [(m.participant.name, m.is_main) for m in members] == [
        ("SITI AMINAH", True),
        ("ANDI PUTRA", False),
        ("RAKA PUTRA", False),
    ]


def test_the_sweep_marks_left_drafts_expired_once():
    from registrations.tasks import expire_drafts

    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)):
        reg_id = APIClient().post(BASE, {}, format="json").json()["id"]
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)):
        assert expire_drafts() == 1
        assert expire_drafts() == 0
    assert Registration.objects.get(public_id=reg_id).state == "EXPIRED"
