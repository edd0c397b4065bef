"""The bank's signed payment notification: credit once, settle, reactivate (DESIGN.md 4.4, 5).

Reactivation is queued on commit; these tests capture the queued callback and run the task
function directly (a real worker runs it in tests/test_payments_worker.py)."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from core.factories import StaffUserFactory, UserFactory
from participants.models import Cause, Participant, StatusChange
from participants.services import (
    PaymentFacts,
    participants_record_payments,
    participants_refresh_statuses,
)
from participants.status import month_index, month_start
from payments.factories import (
    PaymentChannelFactory,
    family_in_arrears,
    months_ago,
    notification_body,
    signed,
)
from payments.models import Bill, Payment, PaymentNotification, Reactivation
from payments.services import notification_match
from payments.tasks import reactivate, sweep_reactivations
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/notifications/"


def post(client: Client, message) -> object:
    return client.post(
        URL, data=message.body, content_type="application/json", **message.client_headers()
    )


def inactive_family(*, months: int = 2, size: int = 3, care_class: int = 2):
    """A PBPU family `months` months in arrears, its statuses recorded (TIDAK AKTIF)."""
    family = family_in_arrears(months=months, size=size, care_class=care_class)
    ids = list(family.memberships.values_list("participant_id", flat=True))
    participants_refresh_statuses(participant_ids=ids, cause=Cause.DAILY_RECOMPUTE)
    return family, ids


def statuses(ids) -> set[tuple[str, str]]:
    return set(Participant.objects.filter(pk__in=ids).values_list("status", "status_reason"))


@pytest.fixture
def channel():
    return PaymentChannelFactory(code="BANK_UJI")


def test_a_signed_notification_credits_once_settles_the_bills_and_queues_the_reactivation(
    client, channel, django_capture_on_commit_callbacks
):
    # Given a family 2 months in arrears: 2 months + this month, 3 members x Rp100.000.
    family, ids = inactive_family(months=2)
    assert statuses(ids) == {("TIDAK_AKTIF", "ARREARS")}
    message = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=900_000)
    )

    # When the bank notifies the payment.
    with django_capture_on_commit_callbacks() as callbacks:
        response = post(client, message)

    # Then it is credited once, the three months are paid, and a reactivation is queued.
    assert response.status_code == 200
    body = response.json()
    payment = Payment.objects.get()
    assert body == {
        "transaction_id": "TX-0001",
        "channel": "BANK_UJI",
        "virtual_account": family.virtual_account,
        "amount": {"amount": 900_000, "formatted": "Rp900.000"},
        "result": "SETTLED",
        "remaining": {"amount": 0, "formatted": "Rp0"},
        "credited_at": body["credited_at"],
    }
    assert (payment.amount, payment.allocated_amount, payment.result) == (
        900_000,
        900_000,
        "SETTLED",
    )
    assert list(Bill.objects.order_by("month").values_list("month", "amount", "state")) == [
        (months_ago(2), 300_000, "PAID"),
        (months_ago(1), 300_000, "PAID"),
        (months_ago(0), 300_000, "PAID"),
    ]
    reactivation = Reactivation.objects.get()
    assert (reactivation.state, reactivation.arrears_months, reactivation.paid_through) == (
        "PENDING",
        2,
        months_ago(0),
    )
    assert len(callbacks) == 1
    assert PaymentNotification.objects.get().outcome == "ACCEPTED"
    # Nothing changed on the members yet: that is the task's job.
    assert statuses(ids) == {("TIDAK_AKTIF", "ARREARS")}


def test_the_reactivation_makes_the_members_aktif_with_the_payment_as_cause(
    client, channel, django_capture_on_commit_callbacks
):
    family, ids = inactive_family(months=2)
    message = signed(
        channel,
        notification_body(
            virtual_account=family.virtual_account, amount=900_000, transaction_id="BNK-77"
        ),
    )
    with django_capture_on_commit_callbacks():
        post(client, message)
    reactivation = Reactivation.objects.get()

    result = reactivate(reactivation.pk)

    today = timezone.localdate()
    assert result == {
        "reactivation": reactivation.pk,
        "applied": True,
        "status_changes": 3,
        "batch": 1,
    }
    assert statuses(ids) == {("AKTIF", "REACTIVATION_PENALTY")}
    assert set(
        Participant.objects.filter(pk__in=ids).values_list(
            "paid_through", "reactivated_on", "reactivation_arrears_months"
        )
    ) == {(month_start(month_index(today)), today, 2)}
    changes = StatusChange.objects.filter(cause="PAYMENT")
    assert sorted(changes.values_list("participant_id", flat=True)) == sorted(ids)
    assert set(changes.values_list("old_status", "status", "note")) == {
        ("TIDAK_AKTIF", "AKTIF", "BANK_UJI BNK-77")
    }
    # The field-level audit of the facts names the payment.
    head = Participant.objects.get(pk=ids[0])
    assert head.history.first().history_change_reason == "BANK_UJI BNK-77"
    reactivation.refresh_from_db()
    assert (reactivation.state, reactivation.status_changes) == ("DONE", 3)

    # A second delivery of the task finds nothing to do.
    assert reactivate(reactivation.pk) == {
        "reactivation": reactivation.pk,
        "applied": False,
        "status_changes": 0,
        "batch": 0,
    }
    assert StatusChange.objects.filter(cause="PAYMENT").count() == 3


def test_the_same_notification_again_credits_once_and_answers_the_same(
    client, channel, django_capture_on_commit_callbacks
):
    family, _ids = inactive_family(months=1)
    message = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=600_000)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        first = post(client, message)
        again = post(client, message)
        # Re-signed later with a new timestamp (a bank retry): still the same payment.
        retried = post(client, signed(channel, message.body))

    assert first.status_code == again.status_code == retried.status_code == 200
    assert first.json() == again.json() == retried.json()
    assert Payment.objects.count() == 1
    assert Reactivation.objects.count() == 1
    assert len(callbacks) == 1
    assert (
        list(PaymentNotification.objects.order_by("id").values_list("outcome", "payment_id"))
        == [("ACCEPTED", Payment.objects.get().pk)] + [("DUPLICATE", Payment.objects.get().pk)] * 2
    )


@pytest.mark.parametrize(
    ("tamper", "status", "code", "outcome"),
    [
        ("bad_signature", 401, "BAD_SIGNATURE", "REJECTED"),
        ("body_changed_after_signing", 401, "BAD_SIGNATURE", "REJECTED"),
        ("unknown_channel", 401, "UNKNOWN_CHANNEL", "REJECTED"),
        ("inactive_channel", 401, "UNKNOWN_CHANNEL", "REJECTED"),
        ("no_headers", 401, "UNKNOWN_CHANNEL", "REJECTED"),
        ("six_minutes_old", 401, "TIMESTAMP_EXPIRED", "REJECTED"),
        ("six_minutes_ahead", 401, "TIMESTAMP_EXPIRED", "REJECTED"),
        ("timestamp_not_a_number", 400, "VALIDATION_ERROR", "MALFORMED"),
        ("unknown_va", 409, "UNKNOWN_VIRTUAL_ACCOUNT", "UNMATCHED"),
    ],
)
def test_refused_notifications_are_answered_clearly_and_stored(
    client, channel, tamper, status, code, outcome
):
    family, ids = inactive_family(months=1)
    body = notification_body(virtual_account=family.virtual_account, amount=600_000)
    now = timezone.now()
    message = {
        "bad_signature": lambda: signed(channel, body, secret="not-the-secret"),
        "body_changed_after_signing": lambda: type(signed(channel, body))(
            signed(channel, body).headers, body.replace(b"600000", b"900000")
        ),
        "unknown_channel": lambda: signed(PaymentChannelFactory.build(code="BANK_ASING"), body),
        "inactive_channel": lambda: signed(
            PaymentChannelFactory(code="BANK_TUTUP", is_active=False), body
        ),
        "no_headers": lambda: type(signed(channel, body))({}, body),
        "six_minutes_old": lambda: signed(channel, body, at=now - timedelta(minutes=6)),
        "six_minutes_ahead": lambda: signed(channel, body, at=now + timedelta(minutes=6)),
        "timestamp_not_a_number": lambda: type(signed(channel, body))(
            {**signed(channel, body).headers, "X-Timestamp": "2026-11-21T10:00:00Z"}, body
        ),
        "unknown_va": lambda: signed(
            channel, notification_body(virtual_account="8888800000000000", amount=600_000)
        ),
    }[tamper]()

    response = post(client, message)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "fields"}
    assert response.json()["message"]
    # Nothing credited, nobody reactivated...
    assert Payment.objects.count() == 0
    assert Reactivation.objects.count() == 0
    assert statuses(ids) == {("TIDAK_AKTIF", "ARREARS")}
    # ...and the delivery is kept for reconciliation, with the reason.
    stored = PaymentNotification.objects.get()
    assert (stored.outcome, stored.error_code) == (outcome, code)
    assert stored.body == message.body.decode()


def test_a_malformed_body_gets_field_errors_and_is_stored(client, channel):
    body = json.dumps(
        {"transaction_id": "x y", "virtual_account": 8888, "amount": 10.5, "paid_at": "kemarin"}
    ).encode()

    response = post(client, signed(channel, body))

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert sorted(response.json()["fields"]) == [
        "amount",
        "paid_at",
        "transaction_id",
        "virtual_account",
    ]
    stored = PaymentNotification.objects.get()
    assert (stored.outcome, stored.signature_valid) == ("MALFORMED", True)


def test_not_json_is_a_field_error_on_the_body(client, channel):
    response = post(client, signed(channel, b"amount=5"))

    assert response.status_code == 400
    assert response.json()["fields"] == {"body": ["Isi permintaan bukan JSON yang valid."]}


def test_a_reused_transaction_id_with_another_amount_is_a_conflict(
    client, channel, django_capture_on_commit_callbacks
):
    family, _ids = inactive_family(months=1)
    with django_capture_on_commit_callbacks():
        post(
            client,
            signed(
                channel, notification_body(virtual_account=family.virtual_account, amount=600_000)
            ),
        )

    response = post(
        client,
        signed(channel, notification_body(virtual_account=family.virtual_account, amount=1)),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "TRANSACTION_CONFLICT"
    assert Payment.objects.get().amount == 600_000
    assert PaymentNotification.objects.order_by("-id").first().outcome == "CONFLICT"


def test_a_partial_payment_is_held_and_the_bill_shows_what_remains(
    client, channel, django_capture_on_commit_callbacks
):
    # 1 month of arrears + this month, 3 members x Rp100.000: Rp600.000.
    family, ids = inactive_family(months=1)
    bearer_client = _participant_client(family)

    with django_capture_on_commit_callbacks() as callbacks:
        partial = post(
            client,
            signed(
                channel,
                notification_body(
                    virtual_account=family.virtual_account, amount=250_000, transaction_id="P-1"
                ),
            ),
        )
    assert partial.json()["result"] == "PARTIAL"
    assert partial.json()["remaining"] == {"amount": 350_000, "formatted": "Rp350.000"}
    assert callbacks == []
    assert set(Bill.objects.values_list("state", flat=True)) == {"OPEN"}
    summary = bearer_client.get("/api/v1/me/bills/").json()["summary"]
    assert (summary["total_due"]["amount"], summary["credit"]["amount"]) == (600_000, 250_000)
    assert summary["remaining"] == {"amount": 350_000, "formatted": "Rp350.000"}
    assert statuses(ids) == {("TIDAK_AKTIF", "ARREARS")}

    with django_capture_on_commit_callbacks() as callbacks:
        rest = post(
            client,
            signed(
                channel,
                notification_body(
                    virtual_account=family.virtual_account, amount=350_000, transaction_id="P-2"
                ),
            ),
        )

    assert rest.json()["result"] == "SETTLED"
    assert len(callbacks) == 1
    assert list(Payment.objects.order_by("id").values_list("allocated_amount", "result")) == [
        (250_000, "PARTIAL"),
        (350_000, "SETTLED"),
    ]
    assert set(Bill.objects.values_list("state", flat=True)) == {"PAID"}
    reactivate(Reactivation.objects.get().pk)
    assert statuses(ids) == {("AKTIF", "REACTIVATION_PENALTY")}


def test_an_overpayment_settles_and_keeps_the_rest_as_credit(
    client, channel, django_capture_on_commit_callbacks
):
    family, _ids = inactive_family(months=0, size=2)  # only this month: Rp200.000

    with django_capture_on_commit_callbacks():
        response = post(
            client,
            signed(
                channel, notification_body(virtual_account=family.virtual_account, amount=500_000)
            ),
        )

    assert response.json()["result"] == "SETTLED"
    payment = Payment.objects.get()
    assert (payment.allocated_amount, payment.unallocated) == (200_000, 300_000)
    assert Reactivation.objects.get().arrears_months == 0


def test_30_months_of_arrears_charge_24_months_plus_this_month_and_waive_the_rest(
    client, channel, django_capture_on_commit_callbacks
):
    family, ids = inactive_family(months=30, size=2, care_class=1)
    # An old bill from before the cap, as the billing job would have left it.
    Bill.objects.create(
        family=family,
        month=months_ago(30),
        payer="FAMILY",
        segment_id="PBPU",
        amount=300_000,
        due_date=months_ago(30).replace(day=10),
    )
    needed = 25 * 300_000

    with django_capture_on_commit_callbacks():
        response = post(
            client,
            signed(
                channel, notification_body(virtual_account=family.virtual_account, amount=needed)
            ),
        )
    reactivate(Reactivation.objects.get().pk)

    assert response.json()["result"] == "SETTLED"
    assert Bill.objects.filter(state="PAID").count() == 25
    assert list(Bill.objects.filter(state="WAIVED").values_list("month", flat=True)) == [
        months_ago(30)
    ]
    assert set(
        Participant.objects.filter(pk__in=ids).values_list("status", "reactivation_arrears_months")
    ) == {("AKTIF", 30)}


def test_a_secret_from_the_environment_wins_over_the_database(client, channel, settings):
    settings.PAYMENT_CHANNEL_SECRETS = {"BANK_UJI": "rahasia-dari-env"}
    family, _ids = inactive_family(months=0, size=1)
    body = notification_body(virtual_account=family.virtual_account, amount=100_000)

    refused = post(client, signed(channel, body))
    accepted = post(client, signed(channel, body, secret="rahasia-dari-env"))

    assert (refused.status_code, accepted.status_code) == (401, 200)


def test_during_a_secret_rotation_both_secrets_are_accepted_and_no_other(client, channel, settings):
    settings.PAYMENT_CHANNEL_SECRETS = {"BANK_UJI": "rahasia-baru|rahasia-lama"}
    family, _ids = inactive_family(months=0, size=1)

    def notify(secret: str, tx: str) -> int:
        body = notification_body(
            virtual_account=family.virtual_account, amount=100_000, transaction_id=tx
        )
        response = post(client, signed(channel, body, secret=secret))
        return response.status_code  # type: ignore[attr-defined]

    assert notify("rahasia-lama", "TX-OLD") == 200
    assert notify("rahasia-baru", "TX-NEW") == 200
    assert notify("rahasia-lain", "TX-BAD") == 401
    assert notify(channel.secret, "TX-DB") == 401  # the environment replaces the database's
    assert sorted(Payment.objects.values_list("transaction_id", flat=True)) == ["TX-NEW", "TX-OLD"]


def test_the_sweep_applies_reactivations_whose_event_was_lost(
    client, channel, django_capture_on_commit_callbacks
):
    (a, a_ids), (b, b_ids) = inactive_family(months=1), inactive_family(months=1)
    with django_capture_on_commit_callbacks():  # the events are never delivered
        for family, tx in ((a, "A-1"), (b, "B-1")):
            post(
                client,
                signed(
                    channel,
                    notification_body(
                        virtual_account=family.virtual_account, amount=600_000, transaction_id=tx
                    ),
                ),
            )
    Reactivation.objects.filter(family=a).update(created_at=timezone.now() - timedelta(seconds=31))

    result = sweep_reactivations()

    assert (result["done"], result["changed"]) == (1, 3)
    assert statuses(a_ids) == {("AKTIF", "REACTIVATION_PENALTY")}
    # Queued 0 s ago: its own event task still has time.
    assert statuses(b_ids) == {("TIDAK_AKTIF", "ARREARS")}


def test_staff_match_credits_an_unmatched_notification_with_an_audit_row(
    client, channel, django_capture_on_commit_callbacks
):
    family, _ids = inactive_family(months=0, size=1)
    wrong_va = signed(
        channel, notification_body(virtual_account="8888800000000001", amount=100_000)
    )
    assert post(client, wrong_va).status_code == 409
    notification = PaymentNotification.objects.get()
    staff = StaffUserFactory(branch=family.branch)

    with django_capture_on_commit_callbacks():
        payment = notification_match(
            notification=notification, family=family, actor=staff, reason="Konfirmasi bank #88"
        )

    notification.refresh_from_db()
    assert (payment.family_id, payment.amount, payment.result, payment.matched_by_id) == (
        family.pk,
        100_000,
        "SETTLED",
        staff.pk,
    )
    assert (notification.outcome, notification.payment_id, notification.resolved_by_id) == (
        "MATCHED",
        payment.pk,
        staff.pk,
    )
    audit = notification.history.first()
    assert (audit.history_change_reason, audit.history_user_id, audit.outcome) == (
        "Konfirmasi bank #88",
        staff.pk,
        "MATCHED",
    )
    # The bank sending it again, now with the right VA, does not credit it twice.
    again = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=100_000)
    )
    assert post(client, again).status_code == 200
    assert Payment.objects.count() == 1


def _participant_client(family):
    head = family.memberships.get(is_main=True).participant
    head.user = UserFactory(username=head.nik)
    head.save(update_fields=["user"])
    return bearer(head.user)


def test_one_reactivation_task_applies_the_others_waiting_with_it(
    client, channel, django_capture_on_commit_callbacks
):
    # Given three families whose payments were settled and whose reactivations wait.
    families = [inactive_family(months=1, size=2) for _ in range(3)]
    with django_capture_on_commit_callbacks():
        for n, (family, _ids) in enumerate(families):
            post(
                client,
                signed(
                    channel,
                    notification_body(
                        virtual_account=family.virtual_account,
                        amount=400_000,
                        transaction_id=f"PEAK-{n}",
                    ),
                ),
            )
    first, *others = Reactivation.objects.order_by("pk")

    # When the first one's task runs, it applies the others too.
    result = reactivate(first.pk)

    assert (result["applied"], result["batch"], result["status_changes"]) == (True, 3, 2)
    assert set(Reactivation.objects.values_list("state", flat=True)) == {"DONE"}
    assert StatusChange.objects.filter(cause="PAYMENT").count() == 6
    assert set(StatusChange.objects.filter(cause="PAYMENT").values_list("note", flat=True)) == {
        "BANK_UJI PEAK-0",
        "BANK_UJI PEAK-1",
        "BANK_UJI PEAK-2",
    }
    # Their own tasks, arriving later, find nothing to do.
    assert [reactivate(r.pk)["applied"] for r in others] == [False, False]


def test_two_payments_for_the_same_members_in_one_batch_apply_in_order():
    family, ids = inactive_family(months=2, size=2)
    today = timezone.localdate()
    this_month = month_start(month_index(today))

    counts = participants_record_payments(
        payments=[
            PaymentFacts(ids, month_start(month_index(today) - 1), today, "BANK A-1"),
            PaymentFacts(ids, this_month, today, "BANK A-2"),
        ]
    )

    # The first pays the arrears: active again today after 2 months, this month still due
    # (PAYMENT_DUE, with the denda note beside it: issue 8 point 5); the second, applied
    # after it, pays this month: AKTIF in the denda window (REACTIVATION_PENALTY).
    assert counts == [2, 2]
    assert set(
        Participant.objects.filter(pk__in=ids).values_list(
            "paid_through", "reactivated_on", "reactivation_arrears_months", "status"
        )
    ) == {(this_month, today, 2, "AKTIF")}
    reasons = list(
        Participant.objects.get(pk=ids[0])
        .history.order_by("history_id")
        .values_list("history_change_reason", flat=True)
    )
    assert reasons[-2:] == ["BANK A-1", "BANK A-2"]
