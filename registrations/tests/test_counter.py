"""Branch staff register a family at the counter in the admin: the same services and rules as
the family's own flow, a required reason kept on the registration and in the participants'
history, only families of their own branch, and a refusal or bad input that changes nothing."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.factories import BranchOfficeFactory, region
from families.models import FamilyCard, FamilyMembership
from messaging.models import Message
from participants.models import Participant
from tests.test_admin import staff_of

from ..models import Registration

pytestmark = pytest.mark.django_db
START = reverse("admin:registrations_registration_counter")
REASON = "Keluarga datang ke loket, tidak punya e-mail sendiri"


def submit_url(registration: Registration) -> str:
    return reverse("admin:registrations_registration_counter_submit", args=[registration.pk])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start_body(kk_number: str, **changes: Any) -> dict[str, Any]:
    body = {"counter_reason": REASON, "kk_number": kk_number, "terms_accepted": "on"}
    return {**body, **changes}


def submit_body(new_family, fktp_id: int, **changes: Any) -> dict[str, Any]:
    return {
        "care_class": "2",
        "email": "hendra@contoh.id",
        "phone": "081234567890",
        "consent": "on",
        **{f"fktp_{m['nik']}": str(fktp_id) for m in new_family.members},
        **changes,
    }


def snapshot() -> tuple[int, int, list[tuple[str, str]]]:
    return (
        FamilyCard.objects.count(),
        Participant.objects.count(),
        list(Registration.objects.values_list("state", "step")),
    )


def test_staff_register_a_family_at_the_counter_with_the_reason_recorded(new_family, place):
    staff = staff_of(place.branch)
    client = signed_in(staff)
    changelist = client.get(reverse("admin:registrations_registration_changelist"))
    assert START in changelist.content.decode()

    response = client.post(START, start_body(new_family.kk_number))

    registration = Registration.objects.get()
    assert response.status_code == 302 and response["Location"] == submit_url(registration)
    assert (registration.counter_reason, registration.branch, registration.created_by) == (
        REASON,
        place.branch,
        staff,
    )
    page = client.get(submit_url(registration)).content.decode()
    assert "Rp100.000" in page and "Rp300.000" in page  # class II per member and for three

    response = client.post(submit_url(registration), submit_body(new_family, place.near.pk))

    assert response.status_code == 302
    registration.refresh_from_db()
    family = FamilyCard.objects.get(number=new_family.kk_number)
    assert (registration.state, registration.family, family.branch) == (
        "AWAITING_PAYMENT",
        family,
        place.branch,
    )
    members = [
        m.participant
        for m in FamilyMembership.objects.filter(family=family).select_related("participant")
    ]
    assert sorted((p.name, p.status_reason, p.care_class, p.fktp_id) for p in members) == [
        ("BUDI SANTOSO", "AWAITING_FIRST_PAYMENT", 2, place.near.pk),
        ("RAKA PUTRA", "AWAITING_FIRST_PAYMENT", 2, place.near.pk),
        ("SITI AMINAH", "AWAITING_FIRST_PAYMENT", 2, place.near.pk),
    ]
    # Audited: each participant's history row names the staff user and the counter's reason.
    first = [p.history.earliest() for p in members]
    assert {(h.history_user, h.history_change_reason) for h in first} == {
        (staff, f"Pendaftaran di loket: {REASON}")
    }
    # The VA goes to the family's e-mail, and staff see it with the amount.
    assert Message.objects.filter(
        destination="hendra@contoh.id", template="registration_va"
    ).exists()
    done = client.get(response["Location"]).content.decode()
    assert registration.virtual_account in done and "Rp300.000" in done


def test_staff_of_another_branch_are_refused_and_cannot_see_the_draft(new_family, place):
    other_branch = BranchOfficeFactory.create(code="KC0901", regency=region("3201"))
    foreign = signed_in(staff_of(other_branch))

    response = foreign.post(START, start_body(new_family.kk_number))

    assert response.status_code == 200
    assert "KC Jakarta Selatan" in str(response.context["form"].non_field_errors()) or (
        "KC Jakarta Selatan" in str(response.context["form"].errors["kk_number"])
    )
    assert snapshot() == (0, 0, [])

    # A draft of the right branch is not found by the other branch's staff.
    signed_in(staff_of(place.branch)).post(START, start_body(new_family.kk_number))
    registration = Registration.objects.get()
    before = snapshot()
    assert foreign.get(submit_url(registration)).status_code == 404
    body = submit_body(new_family, place.near.pk)
    assert foreign.post(submit_url(registration), body).status_code == 404
    change = reverse("admin:registrations_registration_change", args=[registration.pk])
    assert foreign.get(change).status_code == 302  # the admin's "does not exist" redirect
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"counter_reason": ""}, "counter_reason"),
        ({"kk_number": "31740"}, "kk_number"),
        ({"terms_accepted": ""}, "terms_accepted"),
    ],
)
def test_bad_input_on_the_first_page_is_a_form_error_and_writes_nothing(
    new_family, place, changes, field
):
    client = signed_in(staff_of(place.branch))

    response = client.post(START, {**start_body(new_family.kk_number), **changes})

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == (0, 0, [])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"consent": ""}, "consent"),
        ({"care_class": "4"}, "care_class"),
        ("far", "fktp"),
        ("missing", "fktp"),
    ],
)
def test_bad_input_on_the_second_page_is_a_form_error_and_changes_nothing(
    new_family, place, changes, field
):
    client = signed_in(staff_of(place.branch))
    client.post(START, start_body(new_family.kk_number))
    registration = Registration.objects.get()
    body = submit_body(new_family, place.near.pk)
    first = f"fktp_{new_family.members[0]['nik']}"
    if changes == "far":
        body[first] = str(place.far.pk)  # not near the family's district
    elif changes == "missing":
        del body[first]
    else:
        body.update(changes)
    before = snapshot()

    response = client.post(submit_url(registration), body)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(name.startswith(field) for name in errors), errors
    assert snapshot() == before == (0, 0, [("DRAFT", "MEMBERS")])


def test_a_kk_refused_by_the_flow_is_refused_at_the_counter_too(registry, place):
    client = signed_in(staff_of(place.branch))

    response = client.post(START, start_body("3174050101209999"))

    assert response.status_code == 200
    assert "tidak dikenal Dukcapil" in str(response.context["form"].errors["kk_number"])
    assert snapshot() == (0, 0, [])


def test_a_participant_cannot_open_the_counter(new_family, place):
    from tests.conftest import make_family

    _family, head = make_family(1)
    response = signed_in(head.user).get(START)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
