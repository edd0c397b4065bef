"""A confirmed payment always reactivates, on every supported database (issue 7 point 1).

A real server (runserver, threaded, tasks in-process: the embedded default) on SQLite and on
PostgreSQL receives the same signed notification 20 times at once; afterwards the payment is
credited once, and every member is AKTIF and eligible for a facility, not only the bills paid.
"""

import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from core.factories import DEMO_PASSWORD
from payments.services import sign

from .servers import database_url_for_servers, manage, portal_server, server_env, server_log

SEED = """
import json
from core.factories import FacilityUserFactory
from payments.factories import PaymentChannelFactory, family_in_arrears
family = family_in_arrears(months=1, size=3, care_class=2)
channel = PaymentChannelFactory(code="BANK_PAR")
FacilityUserFactory(username="faskes_par")
print(json.dumps({
    "va": family.virtual_account,
    "secret": channel.secret,
    "cards": sorted(m.participant.card_number for m in family.memberships.all()),
}))
"""

CHECK = """
from payments.models import Bill, Payment, PaymentNotification, Reactivation
from participants.models import Participant
print(Payment.objects.count(), Reactivation.objects.filter(state="DONE").count(),
      sorted(set(Bill.objects.values_list("state", flat=True))),
      sorted(set(PaymentNotification.objects.values_list("outcome", flat=True))),
      sorted(set(Participant.objects.values_list("status", flat=True))))
"""


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def twenty_at_once_then_all_aktif(env: dict[str, str]) -> None:
    seeded = json.loads(manage(env, "shell", "-c", SEED).strip().splitlines()[-1])
    body = json.dumps(
        {
            "transaction_id": "PAR-0001",
            "virtual_account": seeded["va"],
            "amount": 600_000,
            "paid_at": "2026-11-21T10:15:00+07:00",
        }
    ).encode()
    with portal_server(env) as base:
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Channel-Id": "BANK_PAR",
            "X-Timestamp": timestamp,
            "X-Signature": sign(secret=seeded["secret"], timestamp=timestamp, raw_body=body),
        }
        barrier = threading.Barrier(20)
        answers: list = [None] * 20

        def deliver(i: int) -> None:
            barrier.wait(timeout=30)
            answers[i] = _post(f"{base}/api/v1/payments/notifications/", body, headers)

        threads = [threading.Thread(target=deliver, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)

        assert [a[0] for a in answers] == [200] * 20, (answers, "".join(server_log))
        assert {json.loads(a[1])["result"] for a in answers} == {"SETTLED"}
        status, token_body = _post(
            f"{base}/api/v1/auth/token/",
            json.dumps({"username": "faskes_par", "password": DEMO_PASSWORD}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 201, token_body
        token = json.loads(token_body)["token"]
        eligibility = [
            _get(f"{base}/api/v1/eligibility/?card_number={card}", token)
            for card in seeded["cards"]
        ]
    assert [(e["eligible"], e["status"]["status"]) for e in eligibility] == [(True, "AKTIF")] * 3
    assert manage(env, "shell", "-c", CHECK).strip().splitlines()[-1] == (
        "1 1 ['PAID'] ['ACCEPTED', 'DUPLICATE'] ['AKTIF']"
    )


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_notifications_reactivate_on_sqlite(tmp_path: Path):
    env = server_env(f"sqlite:///{tmp_path / 'portal.sqlite3'}", JKN_VAR_DIR=str(tmp_path))
    manage(env, "migrate", "--noinput")
    twenty_at_once_then_all_aktif(env)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_notifications_reactivate_on_postgresql():
    twenty_at_once_then_all_aktif(server_env(database_url_for_servers()))


LOST_EVENT = """
import json
from django.utils import timezone
from payments.factories import PaymentChannelFactory, family_in_arrears
from payments.services import payment_credit, settlement
settlement.enqueue_on_commit = lambda *args, **kwargs: None  # the event is lost
family = family_in_arrears(months=1, size=2, care_class=2)
payment_credit(channel=PaymentChannelFactory(code="BANK_LOST"), transaction_id="LOST-1",
               family=family, virtual_account=family.virtual_account, amount=400_000,
               paid_at=timezone.now(), on=timezone.localdate())
from payments.models import Reactivation
from participants.models import Participant
from participants.status import derive_status
print(Reactivation.objects.get().state,
      sorted(str(derive_status(p, on=timezone.localdate()).status)
             for p in Participant.objects.all()))
"""

STATE = """
from django.utils import timezone
from payments.models import Reactivation
from participants.models import Participant
from participants.status import derive_status
print(Reactivation.objects.get().state,
      sorted(str(derive_status(p, on=timezone.localdate()).status)
             for p in Participant.objects.all()))
"""


def test_the_embedded_default_sweeps_a_lost_reactivation_without_a_beat_process(tmp_path: Path):
    # Given the embedded default (SQLite, no broker) with a settled payment whose
    # reactivation event was lost: the members are still TIDAK AKTIF.
    env = server_env(
        f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        JKN_VAR_DIR=str(tmp_path),
        REACTIVATION_SWEEP_SECONDS="1",
        REACTIVATION_SWEEP_AFTER_SECONDS="0",
    )
    manage(env, "migrate", "--noinput")
    before = manage(env, "shell", "-c", LOST_EVENT).strip().splitlines()[-1]
    assert before == "PENDING ['TIDAK_AKTIF', 'TIDAK_AKTIF']"

    # When the server runs (and nobody sends a request).
    with portal_server(env):
        deadline = time.monotonic() + 30
        state = ""
        while time.monotonic() < deadline:
            state = manage(env, "shell", "-c", STATE).strip().splitlines()[-1]
            if state.startswith("DONE"):
                break
            time.sleep(1)

    # Then the server's own beat swept it: the members are AKTIF.
    assert state == "DONE ['AKTIF', 'AKTIF']", "".join(server_log)
