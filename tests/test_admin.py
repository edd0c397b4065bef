"""Branch staff in the Django admin: scope, search, audited corrections (DESIGN.md 1)."""

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.factories import BranchOfficeFactory, StaffUserFactory, UserFactory
from core.models import STAFF_GROUP_NAME, BranchOffice, User
from families.factories import family_with_members
from families.models import FamilyCard
from participants.factories import FacilityFactory, ParticipantFactory
from participants.forms_admin import REASON_REQUIRED
from participants.models import (
    Cause,
    Participant,
    Reason,
    RegistryHold,
    Status,
    StatusChange,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:participants_participant_changelist"


def change_url(p: Participant) -> str:
    return reverse("admin:participants_participant_change", args=[p.pk])


def staff_of(branch: BranchOffice) -> User:
    user = StaffUserFactory.create(branch=branch)
    user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    return user


def correction(p: Participant, **overrides: Any) -> dict[str, Any]:
    """The change form as the browser posts it, with the (view-only) inline's management form."""
    data = {
        "nik": p.nik or "",
        "birth_certificate_number": p.birth_certificate_number,
        "name": p.name,
        "birth_place": p.birth_place,
        "birth_date": p.birth_date.isoformat(),
        "sex": p.sex,
        "phone": p.phone,
        "email": p.email,
        "segment": p.segment_id,
        "care_class": p.care_class,
        "fktp": p.fktp_id,
        "salary": p.salary or "",
        "coverage_start": p.coverage_start.isoformat(),
        "coverage_end": p.coverage_end.isoformat() if p.coverage_end else "",
        "coverage_end_reason": p.coverage_end_reason,
        "date_of_death": "",
        "registry_hold": p.registry_hold,
        "hold_note": p.hold_note,
        "change_reason": "",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "status_changes-MIN_NUM_FORMS": "0",
        "status_changes-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def snapshot(p: Participant) -> tuple:
    p.refresh_from_db()
    return (
        p.name,
        p.nik,
        p.registry_hold,
        p.status,
        p.history.count(),
        StatusChange.objects.filter(participant=p).count(),
    )


@pytest.fixture
def branch_a() -> BranchOffice:
    return BranchOfficeFactory.create()


@pytest.fixture
def branch_b() -> BranchOffice:
    return BranchOfficeFactory.create()


@pytest.fixture
def staff_a(client: Client, branch_a: BranchOffice) -> User:
    user = staff_of(branch_a)
    client.force_login(user)
    return user


@pytest.fixture
def family_a(branch_a: BranchOffice) -> FamilyCard:
    return family_with_members(size=2, branch=branch_a)


@pytest.fixture
def family_b(branch_b: BranchOffice) -> FamilyCard:
    return family_with_members(size=1, branch=branch_b)


def members(family: FamilyCard) -> list[Participant]:
    return [m.participant for m in family.memberships.order_by("id")]


def listed_cards(client: Client, **params: str) -> set[str]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return {p.card_number for p in response.context["cl"].result_list}


def test_staff_list_shows_only_own_branch_with_masked_nik(client, staff_a, family_a, family_b):
    # Given two participants in branch A and one in branch B
    head_a, child_a = members(family_a)
    (p_b,) = members(family_b)

    # When staff of A opens the participant list
    response = client.get(reverse(CHANGELIST))

    # Then only A's participants are listed, with the NIK masked
    assert {p.card_number for p in response.context["cl"].result_list} == {
        head_a.card_number,
        child_a.card_number,
    }
    html = response.content.decode()
    assert p_b.card_number not in html
    assert head_a.nik not in html
    assert f"{head_a.nik[:4]}********{head_a.nik[-4:]}" in html


@pytest.mark.parametrize("by", ["nik", "card_number", "kk"])
def test_staff_search_finds_own_participant(client, staff_a, family_a, family_b, by):
    # Given a family in A and one in B
    head_a, child_a = members(family_a)
    (p_b,) = members(family_b)
    term = {"nik": child_a.nik, "card_number": child_a.card_number, "kk": family_a.number}[by]

    # When staff of A searches by NIK, card number or KK number
    found = listed_cards(client, q=term)

    # Then exactly the matching participants of A are found
    expected = {head_a.card_number, child_a.card_number} if by == "kk" else {child_a.card_number}
    assert found == expected


def test_staff_search_cannot_reach_other_branch(client, staff_a, family_a, family_b):
    (p_b,) = members(family_b)
    assert listed_cards(client, q=p_b.nik) == set()
    assert listed_cards(client, q=family_b.number) == set()


def test_staff_filter_by_status(client, staff_a, branch_a):
    # Given an active and a suspended participant in A
    active = ParticipantFactory(fktp__branch=branch_a)
    held = ParticipantFactory(
        fktp__branch=branch_a, status=Status.PENANGGUHAN, status_reason=Reason.DUKCAPIL_MISMATCH
    )

    # When filtering by status, then by reason
    # Then each filter returns only the matching participant
    assert listed_cards(client, status__exact=Status.PENANGGUHAN) == {held.card_number}
    assert listed_cards(client, status__exact=Status.AKTIF) == {active.card_number}
    assert listed_cards(client, status_reason__exact=Reason.DUKCAPIL_MISMATCH) == {held.card_number}


def test_superuser_sees_both_branches(client, family_a, family_b):
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=User.Role.ADMIN))
    cards = {p.card_number for p in members(family_a) + members(family_b)}
    assert listed_cards(client) == cards


def test_staff_cannot_open_or_change_other_branch_participant(client, staff_a, family_b):
    # Given a participant of branch B
    (p_b,) = members(family_b)
    before = snapshot(p_b)

    # When staff of A opens and posts a correction to B's participant
    get = client.get(change_url(p_b))
    post = client.post(change_url(p_b), correction(p_b, name="Diubah", change_reason="coba"))
    history = client.get(reverse("admin:participants_participant_history", args=[p_b.pk]))

    # Then both are refused like a missing object and nothing changed
    admin_index = reverse("admin:index")
    assert (get.status_code, get.url) == (302, admin_index)
    assert (post.status_code, post.url) == (302, admin_index)
    assert history.status_code == 404
    assert snapshot(p_b) == before


def test_staff_cannot_open_or_change_other_branch_family(client, staff_a, family_a, family_b):
    url_b = reverse("admin:families_familycard_change", args=[family_b.pk])
    count = family_b.history.count()
    address = family_b.address

    own = client.get(reverse("admin:families_familycard_change", args=[family_a.pk]))
    get = client.get(url_b)
    post = client.post(url_b, {"address": "Jl. Lain 1"})

    # Own family: read-only page with its members; other branch: refused, unchanged
    assert own.status_code == 200
    assert members(family_a)[0].card_number in own.content.decode()
    assert (get.status_code, get.url) == (302, reverse("admin:index"))
    # Family cards are view-only in the admin, so any POST is refused outright.
    assert post.status_code == 403
    family_b.refresh_from_db()
    assert (family_b.address, family_b.history.count()) == (address, count)


def test_staff_family_search_by_kk(client, staff_a, family_a, family_b):
    url = reverse("admin:families_familycard_changelist")
    found = client.get(url, {"q": family_a.number}).context["cl"].result_list
    other = client.get(url, {"q": family_b.number}).context["cl"].result_list
    assert [f.pk for f in found] == [family_a.pk]
    assert list(other) == []


def test_correction_with_reason_is_audited(client, staff_a, family_a):
    # Given a participant of A
    p = members(family_a)[1]
    count = p.history.count()

    # When staff corrects the name with a reason
    response = client.post(
        change_url(p), correction(p, name="Siti Rahayu", change_reason="Salah ketik nama")
    )

    # Then the name changed and the history row says who and why
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.name == "Siti Rahayu"
    assert p.history.count() == count + 1
    row = p.history.first()
    assert (row.history_change_reason, row.history_user, row.name) == (
        "Salah ketik nama",
        staff_a,
        "Siti Rahayu",
    )


def test_correction_setting_hold_records_status_change(client, staff_a, family_a):
    p = members(family_a)[0]
    StatusChange.objects.filter(participant=p).delete()

    response = client.post(
        change_url(p),
        correction(
            p,
            registry_hold=RegistryHold.DUKCAPIL_MISMATCH,
            hold_note="KK berbeda",
            change_reason="Data beda dengan KK",
        ),
    )

    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.status, p.status_reason) == (Status.PENANGGUHAN, Reason.DUKCAPIL_MISMATCH)
    change = StatusChange.objects.get(participant=p)
    assert (change.status, change.reason, change.cause, change.actor, change.note) == (
        Status.PENANGGUHAN,
        Reason.DUKCAPIL_MISMATCH,
        Cause.STAFF_CORRECTION,
        staff_a,
        "Data beda dengan KK",
    )


def test_correction_without_reason_is_refused(client, staff_a, family_a):
    p = members(family_a)[1]
    before = snapshot(p)

    response = client.post(change_url(p), correction(p, name="Tanpa Alasan", change_reason="  "))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["change_reason"]
    with translation.override("id"):
        assert str(REASON_REQUIRED) in response.content.decode()
    assert snapshot(p) == before


def test_correction_with_nik_not_matching_birth_date_is_refused(client, staff_a, family_a):
    p = members(family_a)[1]
    before = snapshot(p)
    wrong_date_nik = p.nik[:6] + "010190" + p.nik[12:]  # born 15-06-1985, not 01-01-1990

    response = client.post(
        change_url(p), correction(p, nik=wrong_date_nik, change_reason="Koreksi NIK")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["nik"]
    assert "010190" in errors["nik"][0]
    assert snapshot(p) == before


def test_correction_with_nik_of_another_participant_is_refused(client, staff_a, family_a):
    head, child = members(family_a)
    before = snapshot(child)

    response = client.post(change_url(child), correction(child, nik=head.nik, change_reason="x"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["nik"]
    assert snapshot(child) == before


def test_staff_cannot_assign_other_branch_fktp(client, staff_a, family_a, branch_b):
    p = members(family_a)[1]
    before = snapshot(p)
    fktp_b = FacilityFactory(branch=branch_b)

    response = client.post(change_url(p), correction(p, fktp=fktp_b.pk, change_reason="pindah"))

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["fktp"]
    p.refresh_from_db()
    assert p.fktp.branch_id == family_a.branch_id
    assert snapshot(p) == before


def test_history_revert_post_is_refused(client, staff_a, family_a):
    p = members(family_a)[1]
    client.post(change_url(p), correction(p, name="Nama Baru", change_reason="Salah ketik"))
    old = p.history.last()
    before = snapshot(p)

    url = reverse("admin:participants_participant_simple_history", args=[p.pk, old.history_id])
    response = client.post(url, correction(p, change_reason="balik"))

    assert response.status_code == 404
    assert snapshot(p) == before


def test_staff_cannot_see_users_or_add_rates(client, staff_a):
    assert client.get(reverse("admin:core_user_changelist")).status_code == 403
    assert client.get(reverse("admin:participants_contributionrate_add")).status_code == 403
    assert client.get(reverse("admin:participants_contributionrate_changelist")).status_code == 200
    assert client.get(reverse("admin:core_jobrun_changelist")).status_code == 200
    assert client.get(reverse("admin:core_region_changelist"), {"q": "3174"}).status_code == 200


def test_change_form_shows_full_nik_and_history_shows_reason(client, staff_a, family_a):
    p = members(family_a)[1]
    client.post(change_url(p), correction(p, name="Nama Baru", change_reason="Salah ketik"))

    form_page = client.get(change_url(p))
    history = client.get(reverse("admin:participants_participant_history", args=[p.pk]))

    assert form_page.status_code == 200
    assert f'value="{p.nik}"' in form_page.content.decode()
    assert history.status_code == 200
    assert "Salah ketik" in history.content.decode()
    assert staff_a.username in history.content.decode()


def test_superuser_pages_render(client, family_a):
    # Given a superuser and a participant with a status change and a correction
    client.force_login(UserFactory(is_staff=True, is_superuser=True, role=User.Role.ADMIN))
    p = members(family_a)[0]
    client.post(change_url(p), correction(p, name="Nama Baru", change_reason="Salah ketik"))
    version = p.history.last()

    # When every admin page of this module is opened
    urls = [
        reverse("admin:index"),
        reverse(CHANGELIST, query={"branch__id__exact": family_a.branch_id}),
        change_url(p),
        reverse("admin:participants_participant_history", args=[p.pk]),
        reverse("admin:participants_participant_simple_history", args=[p.pk, version.pk]),
        reverse("admin:families_familycard_changelist"),
        reverse("admin:families_familycard_change", args=[family_a.pk]),
        reverse("admin:families_familycard_history", args=[family_a.pk]),
        reverse("admin:participants_contributionrate_add"),
        reverse("admin:participants_segment_changelist"),
        reverse("admin:participants_facility_changelist"),
        reverse("admin:core_branchoffice_changelist"),
        reverse("admin:core_region_changelist"),
        reverse("admin:core_jobrun_changelist"),
        reverse("admin:core_user_changelist"),
        reverse("admin:core_user_add"),
    ]

    # Then each renders
    assert {url: client.get(url).status_code for url in urls} == {url: 200 for url in urls}


def test_view_only_account_sees_no_correction_form(client, family_a):
    # Given a staff account of the branch with view permission only
    viewer = StaffUserFactory.create(branch=family_a.branch)
    viewer.user_permissions.add(Permission.objects.get(codename="view_participant"))
    client.force_login(viewer)
    p = members(family_a)[1]
    before = snapshot(p)

    # When it opens and posts to the participant page
    page = client.get(change_url(p))
    post = client.post(change_url(p), correction(p, name="Diubah", change_reason="coba"))

    # Then the page is read-only without a reason box, and the POST is refused
    assert page.status_code == 200
    assert 'name="change_reason"' not in page.content.decode()
    assert post.status_code == 403
    assert snapshot(p) == before


def test_service_refusal_after_form_check_is_shown_not_500(client, staff_a, family_a, monkeypatch):
    # Given a service that refuses (e.g. the data changed between form check and save)
    from core.errors import ValidationFailed

    def refuse(**kwargs: Any) -> None:
        raise ValidationFailed("Ditolak layanan", fields={"nik": ["Ditolak layanan"]})

    monkeypatch.setattr("participants.admin.participant_correct", refuse)
    p = members(family_a)[1]
    before = snapshot(p)

    # When staff saves a correction
    response = client.post(change_url(p), correction(p, name="Diubah", change_reason="x"))

    # Then the page comes back with the message and nothing changed
    assert (response.status_code, response.url) == (302, change_url(p))
    assert "Ditolak layanan" in client.get(change_url(p)).content.decode()
    assert snapshot(p) == before
