"""Sync API: the participant's re-sync (rate-limited), the staff queue with branch scoping,
every endpoint in the OpenAPI schema with errors in the one shape."""

import time

import pytest
from django.core.cache import cache

from core.factories import FacilityUserFactory, StaffUserFactory, UserFactory
from dukcapil_sync.models import Discrepancy
from participants.factories import months_ago
from participants.models import Participant
from tests.conftest import bearer, make_family

pytestmark = pytest.mark.django_db

SYNC = "/api/v1/me/family/sync/"
QUEUE = "/api/v1/staff/discrepancies/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mismatch(registry):
    """A family whose last member's name differs at Dukcapil."""
    family, head = make_family(3, paid_through=months_ago(0))
    child = family.memberships.order_by("-participant_id").first().participant
    registry.mirror(family, **{child.nik: {"name": "NAMA DUKCAPIL"}})
    return family, head, child


def test_participant_syncs_own_family(mismatch):
    family, head, child = mismatch

    response = bearer(head.user).post(SYNC)

    assert response.status_code == 200
    body = response.json()
    assert body["sync_run"]["kind"] == "FAMILY"
    assert (body["sync_run"]["state"], body["sync_run"]["checked"]) == ("DONE", 3)
    assert body["sync_run"]["new_differences"] == 1
    by_card = {m["card_number"]: m for m in body["members"]}
    assert by_card[child.card_number]["status"] == "PENANGGUHAN"
    assert by_card[child.card_number]["reason_code"] == "DUKCAPIL_MISMATCH"
    assert body["new_members"] == []


def test_family_sync_is_rate_limited_per_family_with_retry_after(mismatch, settings):
    settings.DUKCAPIL_FAMILY_SYNC_RATE = "2/hour"
    _family, head, _child = mismatch
    client = bearer(head.user)

    assert [client.post(SYNC).status_code for _ in range(2)] == [200, 200]
    limited = client.post(SYNC)

    assert limited.status_code == 429
    assert limited.json()["code"] == "RATE_LIMITED"
    assert set(limited.json()) == {"code", "message", "fields"}
    assert 0 < int(limited["Retry-After"]) <= 3600


def test_registry_down_is_503_and_changes_nothing(mismatch, registry):
    _family, head, child = mismatch
    registry.faults(outage=True)

    response = bearer(head.user).post(SYNC)

    assert response.status_code == 503
    assert response.json()["code"] == "REGISTRY_UNAVAILABLE"
    assert not Discrepancy.objects.exists()
    child.refresh_from_db()
    assert child.status == "AKTIF"


def test_a_slow_registry_answers_within_the_web_request_timeout(mismatch, registry, settings):
    """The sync runs inside the request (issue 16, point 9): with a registry slower than the
    interactive timeout, the answer comes well before gunicorn's request timeout."""
    from jkn_portal import gunicorn_conf

    _family, head, child = mismatch
    settings.DUKCAPIL_BACKOFF_SECONDS = 0.5  # the production backoff
    settings.DUKCAPIL_BACKOFF_MAX_SECONDS = 10
    registry.faults(latency_ms=int(settings.DUKCAPIL_INTERACTIVE_TIMEOUT_SECONDS * 1000) + 500)

    started = time.monotonic()
    response = bearer(head.user).post(SYNC)
    took = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["code"] == "REGISTRY_UNAVAILABLE"
    assert took < gunicorn_conf.timeout / 2, f"{took:.1f} s"
    assert not Discrepancy.objects.exists()


def test_only_participants_may_sync_their_family(registry):
    assert bearer(FacilityUserFactory()).post(SYNC).status_code == 403
    assert bearer(StaffUserFactory()).post(SYNC).status_code == 403
    assert bearer(UserFactory()).post(SYNC).status_code == 404  # no family
    assert bearer(UserFactory()).post(SYNC).json()["code"] == "NOT_FOUND"


@pytest.fixture
def queued(mismatch):
    family, head, child = mismatch
    bearer(head.user).post(SYNC)
    return family, child, Discrepancy.objects.get()


def test_staff_list_their_branch_queue_only(queued):
    family, child, d = queued
    own = bearer(StaffUserFactory(branch=family.branch))
    other = bearer(StaffUserFactory())

    listed = own.get(QUEUE).json()
    assert [row["id"] for row in listed["results"]] == [d.pk]
    row = listed["results"][0]
    assert (row["kind"], row["our_value"], row["registry_value"], row["status"]) == (
        "NAME",
        child.name,
        "NAMA DUKCAPIL",
        "OPEN",
    )
    assert row["participant"]["card_number"] == child.card_number
    assert other.get(QUEUE).json()["results"] == []
    assert own.get(f"{QUEUE}{d.pk}/").status_code == 200
    assert other.get(f"{QUEUE}{d.pk}/").status_code == 404
    assert own.get(QUEUE, {"status": "KEPT"}).json()["results"] == []


def test_staff_accept_and_keep_through_the_api(queued):
    family, child, d = queued
    staff = bearer(StaffUserFactory(branch=family.branch))

    accepted = staff.post(f"{QUEUE}{d.pk}/accept/", {"note": "KTP"}, format="json")
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["resolution_note"]) == ("ACCEPTED", "KTP")
    child.refresh_from_db()
    assert (child.name, child.status) == ("NAMA DUKCAPIL", "AKTIF")

    again = staff.post(f"{QUEUE}{d.pk}/keep/", {"reason": "no"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "ALREADY_DECIDED"


def test_keep_needs_a_reason_and_other_branches_get_404(queued):
    family, child, d = queued
    staff = bearer(StaffUserFactory(branch=family.branch))
    stranger = bearer(StaffUserFactory())

    missing = staff.post(f"{QUEUE}{d.pk}/keep/", {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["fields"]
    assert stranger.post(f"{QUEUE}{d.pk}/keep/", {"reason": "x"}, format="json").status_code == 404
    assert stranger.post(f"{QUEUE}{d.pk}/accept/", {}, format="json").status_code == 404
    d.refresh_from_db()
    assert d.status == "OPEN"

    kept = staff.post(f"{QUEUE}{d.pk}/keep/", {"reason": "KTP shows ours"}, format="json")
    assert (kept.status_code, kept.json()["status"]) == (200, "KEPT")
    child.refresh_from_db()
    assert child.status == "AKTIF"


def test_participants_and_facilities_may_not_use_the_queue(queued):
    family, child, d = queued
    head = Participant.objects.get(user__isnull=False, memberships__family=family)
    for client in (bearer(head.user), bearer(FacilityUserFactory())):
        assert client.get(QUEUE).status_code == 403
        assert client.post(f"{QUEUE}{d.pk}/accept/", {}, format="json").status_code == 403


def test_staff_sync_a_family_of_their_branch(mismatch):
    family, _head, _child = mismatch
    own = bearer(StaffUserFactory(branch=family.branch))
    other = bearer(StaffUserFactory())

    assert other.post(f"/api/v1/staff/families/{family.number}/sync/").status_code == 404
    response = own.post(f"/api/v1/staff/families/{family.number}/sync/")

    assert response.status_code == 200
    assert response.json()["sync_run"]["new_differences"] == 1


def test_schema_documents_the_sync_endpoints_with_errors(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]

    assert {"401", "403", "404", "429", "503"} <= set(paths[SYNC]["post"]["responses"])
    assert {"401", "403"} <= set(paths[QUEUE]["get"]["responses"])
    assert {"400", "401", "403", "404", "409", "503"} <= set(
        paths["/api/v1/staff/discrepancies/{id}/accept/"]["post"]["responses"]
    )
    assert {"400", "404", "409"} <= set(
        paths["/api/v1/staff/discrepancies/{id}/keep/"]["post"]["responses"]
    )
    assert "/api/v1/staff/families/{kk_number}/sync/" in paths
    assert "/api/v1/staff/discrepancies/{id}/" in paths
