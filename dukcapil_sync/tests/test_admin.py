"""Branch staff's Dukcapil queue in the admin: scoped to the branch, our value and
Dukcapil's side by side, accept / keep-with-reason through the services; sync runs visible."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.factories import StaffUserFactory
from core.models import STAFF_GROUP_NAME
from dukcapil_sync.models import Discrepancy, SyncRun
from dukcapil_sync.services import family_sync
from participants.factories import months_ago
from tests.conftest import make_family

pytestmark = pytest.mark.django_db

QUEUE = "admin:dukcapil_sync_discrepancy_changelist"


def staff_client(branch) -> tuple[Client, object]:
    user = StaffUserFactory.create(branch=branch)
    user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def queued(registry):
    family, _head = make_family(2, paid_through=months_ago(0))
    child = family.memberships.order_by("-participant_id").first().participant
    registry.mirror(family, **{child.nik: {"name": "NAMA DI DUKCAPIL"}})
    family_sync(family=family, trigger="STAFF")
    return family, child, Discrepancy.objects.get()


def change_url(d: Discrepancy) -> str:
    return reverse("admin:dukcapil_sync_discrepancy_change", args=[d.pk])


def test_queue_lists_only_the_branch_and_opens_on_open_items(queued):
    family, child, d = queued
    own, _ = staff_client(family.branch)
    other, _ = staff_client(StaffUserFactory().branch)

    first = own.get(reverse(QUEUE))
    assert first.status_code == 302 and "status__exact=OPEN" in first["Location"]
    page = own.get(first["Location"]).content.decode()
    assert child.card_number in page and "NAMA DI DUKCAPIL" in page
    assert (
        child.card_number not in other.get(reverse(QUEUE) + "?status__exact=OPEN").content.decode()
    )
    assert other.get(change_url(d)).status_code == 404
    assert (
        own.get(reverse(QUEUE), {"q": child.card_number, "status__exact": "OPEN"}).status_code
        == 200
    )


def test_side_by_side_and_keep_with_reason(queued):
    family, child, d = queued
    client, user = staff_client(family.branch)

    page = client.get(change_url(d)).content.decode()
    assert 'data-testid="our-value">' + child.name in page
    assert 'data-testid="registry-value">NAMA DI DUKCAPIL' in page

    no_reason = client.post(change_url(d), {"keep": "1", "keep-reason": ""})
    assert no_reason.status_code == 200
    d.refresh_from_db()
    assert d.status == "OPEN"

    kept = client.post(change_url(d), {"keep": "1", "keep-reason": "KTP shows ours"})
    assert kept.status_code == 302
    d.refresh_from_db()
    assert (d.status, d.resolution_note, d.resolved_by) == ("KEPT", "KTP shows ours", user)
    child.refresh_from_db()
    assert child.status == "AKTIF"


def test_accept_from_the_admin_updates_the_participant(queued):
    family, child, d = queued
    client, _ = staff_client(family.branch)

    response = client.post(change_url(d), {"accept": "1", "accept-note": "", "accept-nik": ""})

    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.name, child.status) == ("NAMA DI DUKCAPIL", "AKTIF")


def test_bulk_actions_accept_and_keep(queued):
    family, child, d = queued
    client, _ = staff_client(family.branch)
    url = reverse(QUEUE) + "?status__exact=OPEN"

    form = client.post(url, {"action": "keep_selected", "_selected_action": [d.pk]})
    assert form.status_code == 200 and 'name="keep-reason"' in form.content.decode()
    action = {"action": "keep_selected", "_selected_action": [d.pk], "keep_confirm": "1"}
    client.post(url, {**action, "keep-reason": ""})
    d.refresh_from_db()
    assert d.status == "OPEN"  # no reason given yet
    client.post(url, {**action, "keep-reason": "checked"})
    d.refresh_from_db()
    assert (d.status, d.resolution_note) == ("KEPT", "checked")


def test_sync_runs_are_visible_and_staff_can_sync_a_family(queued, registry):
    family, _child, _d = queued
    client, _ = staff_client(family.branch)
    other, _ = staff_client(StaffUserFactory().branch)

    runs = client.get(reverse("admin:dukcapil_sync_syncrun_changelist"))
    assert runs.status_code == 200
    run = SyncRun.objects.get()
    assert (
        client.get(reverse("admin:dukcapil_sync_syncrun_change", args=[run.pk])).status_code == 200
    )
    assert other.get(reverse("admin:dukcapil_sync_syncrun_change", args=[run.pk])).status_code in (
        302,
        404,
    )

    url = reverse("admin:dukcapil_sync_syncrun_sync_family")
    refused = other.post(url, {"kk_number": family.number})
    assert refused.status_code == 200 and SyncRun.objects.count() == 1
    done = client.post(url, {"kk_number": family.number})
    assert done.status_code == 302
    assert SyncRun.objects.count() == 2
