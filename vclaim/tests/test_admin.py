"""Staff manage their branch's facility credentials and read the lookup log of their branch."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.factories import BranchOfficeFactory, StaffUserFactory
from core.models import STAFF_GROUP_NAME, BranchOffice, User
from families.factories import family_with_members
from participants.models import EligibilityLookup
from vclaim.models import FacilityCredential

from .client import VClaimClient
from .conftest import django_transport

pytestmark = pytest.mark.django_db

SEP = "2026-11-21"
ADD = "admin:vclaim_facilitycredential_add"


def staff_of(branch: BranchOffice) -> User:
    user = StaffUserFactory.create(branch=branch)
    user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    return user


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(html: str, element_id: str) -> str:
    match = re.search(rf'<code id="{element_id}">([^<]+)</code>', html)
    assert match, html
    return match.group(1)


@pytest.fixture
def jaksel() -> BranchOffice:
    return BranchOfficeFactory.create(code="KC0901", name="KC Jakarta Selatan")


def issue(client: Client, **fields) -> str:
    data = {"name": "RS Harapan", "provider_code": "0901R001", "consumer_id": "", **fields}
    response = client.post(reverse(ADD), data)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"].startswith("max-age=0")
    return response.content.decode()


def test_staff_issue_a_credential_for_their_branch_and_see_the_secret_once(jaksel):
    staff = staff_of(jaksel)
    client = logged_in(staff)

    html = issue(client, branch=jaksel.pk)

    credential = FacilityCredential.objects.get()
    assert (credential.consumer_id, credential.name, credential.branch, credential.issued_by) == (
        "10001",
        "RS Harapan",
        jaksel,
        staff,
    )
    assert (credential.account.role, credential.account.branch, credential.account.username) == (
        User.Role.FACILITY,
        jaksel,
        "vclaim-10001",
    )
    assert not credential.account.has_usable_password()
    secret, user_key = shown(html, "secret"), shown(html, "user-key")
    assert secret not in credential.secret_encrypted

    # The values shown work with the facade...
    member = family_with_members(size=1, branch=jaksel).memberships.get().participant
    facility = VClaimClient(
        "/vclaim-rest/", "10001", secret, user_key, transport=django_transport(Client())
    )
    assert facility.peserta_by_card(member.card_number, SEP).code == "200"
    # ...and are not shown again.
    page = client.get(reverse("admin:vclaim_facilitycredential_change", args=[credential.pk]))
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert user_key not in page.content.decode()


def test_staff_cannot_issue_for_another_branch(jaksel):
    bogor = BranchOfficeFactory(code="KC1001", name="KC Bogor")
    client = logged_in(staff_of(jaksel))

    response = client.post(reverse(ADD), {"name": "RS Lain", "branch": bogor.pk})

    assert response.status_code == 400
    assert "branch" in response.context["form"].errors
    assert not FacilityCredential.objects.exists()


def test_a_taken_consumer_id_is_a_form_error(jaksel):
    client = logged_in(staff_of(jaksel))
    issue(client, branch=jaksel.pk, consumer_id="30001")

    response = client.post(
        reverse(ADD), {"name": "RS Kedua", "branch": jaksel.pk, "consumer_id": "30001"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["consumer_id"] == ["Consumer id sudah dipakai."]
    assert FacilityCredential.objects.count() == 1


def test_rotation_shows_a_new_secret_and_other_branches_cannot_rotate(jaksel):
    client = logged_in(staff_of(jaksel))
    first = shown(issue(client, branch=jaksel.pk), "secret")
    credential = FacilityCredential.objects.get()
    rotate = reverse("admin:vclaim_facilitycredential_rotate", args=[credential.pk])

    stranger = logged_in(staff_of(BranchOfficeFactory(code="KC1001")))
    assert stranger.post(rotate).status_code == 404
    assert (
        stranger.get(
            reverse("admin:vclaim_facilitycredential_change", args=[credential.pk])
        ).status_code
        == 302  # the admin sends an object outside the queryset back to the index
    )
    assert (
        stranger.get(reverse("admin:vclaim_facilitycredential_changelist"))
        .context["cl"]
        .result_count
        == 0
    )
    before = FacilityCredential.objects.get().secret_encrypted

    html = client.post(rotate).content.decode()

    second = shown(html, "secret")
    assert second != first
    assert "unchanged" in html or "tidak berubah" in html
    credential.refresh_from_db()
    assert credential.secret_encrypted != before
    assert credential.previous_valid_until is not None


def test_switching_off_stops_the_facade(jaksel):
    client = logged_in(staff_of(jaksel))
    html = issue(client, branch=jaksel.pk)
    credential = FacilityCredential.objects.get()
    member = family_with_members(size=1, branch=jaksel).memberships.get().participant
    facility = VClaimClient(
        "/vclaim-rest/",
        "10001",
        shown(html, "secret"),
        shown(html, "user-key"),
        transport=django_transport(Client()),
    )

    client.post(
        reverse("admin:vclaim_facilitycredential_active", args=[credential.pk]), {"active": "0"}
    )

    assert facility.peserta_by_card(member.card_number, SEP).code == "401"
    credential.refresh_from_db()
    assert (credential.is_active, credential.account.is_active) == (False, False)


def test_lookup_log_is_visible_to_the_branch_only(jaksel, vclaim, credential):
    bogor = BranchOfficeFactory(code="KC1001", name="KC Bogor")
    ours = family_with_members(size=1, branch=jaksel).memberships.get().participant
    theirs = family_with_members(size=1, branch=bogor).memberships.get().participant
    # The conftest credential belongs to a third branch; lookups about both participants.
    vclaim.peserta_by_card(ours.card_number, SEP)
    vclaim.peserta_by_card(theirs.card_number, SEP)
    vclaim.peserta_by_card("0009999999999", SEP)
    changelist = reverse("admin:participants_eligibilitylookup_changelist")

    jaksel_rows = logged_in(staff_of(jaksel)).get(changelist)
    bogor_rows = logged_in(staff_of(bogor)).get(changelist)
    facility_branch_rows = logged_in(staff_of(credential.branch)).get(changelist)

    def seen(response) -> list[str]:
        return [row.asked_number for row in response.context["cl"].result_list]

    assert seen(jaksel_rows) == [ours.card_number]
    assert seen(bogor_rows) == [theirs.card_number]
    # The facility's own branch sees every lookup it made, unknown numbers too, but not who
    # the other branches' participants were.
    assert sorted(seen(facility_branch_rows)) == sorted(
        [ours.card_number, theirs.card_number, "0009999999999"]
    )
    html = facility_branch_rows.content.decode()
    assert ours.name not in html
    assert "0009*****9999" in html
    assert ours.name in jaksel_rows.content.decode()
    assert EligibilityLookup.objects.count() == 3
