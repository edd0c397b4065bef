"""Reads that tolerate lag go to a real PostgreSQL streaming replica; a user's reads after
their own write, and participants' reads always, go to the primary (core.replica, issue 14).

The replica is the second cluster scripts/test.py starts with `pg_basebackup -R`. To make
"read from the replica" visible, its WAL replay is paused: a change made on the primary after
that is on the primary only, so a page showing the old value was read from the replica."""

import re
import time
from collections.abc import Iterator

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.factories import DEMO_PASSWORD, UserFactory
from core.models import User
from demo.seed import seed_demo
from participants.models import Participant

pytestmark = [
    pytest.mark.replica,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

RUDI = "3174021005750007"  # demo family 2: one month in arrears
CHANGELIST = reverse("admin:participants_participant_changelist")


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def wait_until_replica_has(participant: Participant, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not Participant.objects.using("replica").filter(pk=participant.pk).exists():
        assert time.monotonic() < deadline, "the replica did not catch up with the primary"
        time.sleep(0.1)


@pytest.fixture
def frozen_replica(settings) -> Iterator[Participant]:
    """The demo on both servers, then the replica's replay paused (resumed at the end)."""
    settings.REPLICA_READS = True
    seed_demo(log=lambda _msg: None)
    rudi = Participant.objects.get(nik=RUDI)
    wait_until_replica_has(rudi)
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()")
    try:
        yield rudi
    finally:
        with connections["replica"].cursor() as cur:
            cur.execute("SELECT pg_wal_replay_resume()")


def test_staff_lists_read_the_replica_until_the_staff_member_writes(frozen_replica):
    rudi = frozen_replica
    UserFactory(
        username="pusat", role=User.Role.STAFF, is_staff=True, is_superuser=True, branch=rudi.branch
    )
    # Another staff member's correction, on the primary only.
    Participant.objects.filter(pk=rudi.pk).update(name="Rudi Hartono Koreksi")
    staff = Client()

    # Signing in writes (session, last login): the next pages read the primary.
    login = staff.post(reverse("admin:login"), {"username": "pusat", "password": DEMO_PASSWORD})
    assert login.status_code == 302
    assert login.cookies["jkn_primary"]["max-age"] == 10
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        pinned = staff.get(CHANGELIST, {"q": RUDI})
    assert "Rudi Hartono Koreksi" in text(pinned)
    assert len(on_replica.captured_queries) == 0

    # Once the pin has expired, the list is a lag-tolerant read: the replica, one change behind.
    del staff.cookies["jkn_primary"]
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        lagging = staff.get(CHANGELIST, {"q": RUDI})
    assert lagging.status_code == 200
    shown = text(lagging)
    assert "Rudi Hartono" in shown and "Rudi Hartono Koreksi" not in shown
    assert any("participants_participant" in q["sql"] for q in on_replica.captured_queries)
    assert "jkn_primary" not in lagging.cookies

    # The change form is what a correction is made against: always the primary.
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        form = staff.get(reverse("admin:participants_participant_change", args=[rudi.pk]))
    assert 'value="Rudi Hartono Koreksi"' in form.content.decode()
    assert len(on_replica.captured_queries) == 0


def test_a_participant_sees_their_own_payment_at_once_and_never_reads_the_replica(
    frozen_replica,
):
    participant = Client()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        login = participant.post(reverse("login"), {"username": RUDI, "password": DEMO_PASSWORD})
        assert login.status_code == 302
        before = text(participant.get(reverse("payments:bills")))
        paid = participant.post(reverse("payments:simulate"))
        after = text(participant.get(reverse("payments:bills")))
        family = text(participant.get(reverse("families:family")))

    assert "Total yang harus dibayar Rp210.000" in before and "Bayar (simulasi)" in before
    assert paid.status_code == 302 and paid.cookies["jkn_primary"].value == "1"
    # The payment the replica has not seen is on the next page: it was read from the primary.
    assert "Pembayaran Rp210.000 diterima (simulasi" in after
    assert "Bayar (simulasi)" not in after
    assert "Rudi Hartono" in family
    assert on_replica.captured_queries == []
