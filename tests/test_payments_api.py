"""A participant's bills, payments and denda pelayanan through the API (DESIGN.md 5)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone

from core.factories import FacilityUserFactory, UserFactory
from participants.models import Participant, Segment
from payments.factories import PaymentChannelFactory, family_in_arrears, months_ago
from payments.models import Bill
from payments.services import payment_credit
from tests.conftest import bearer, make_family

pytestmark = pytest.mark.django_db

BILLS, PAYMENTS, DENDA = "/api/v1/me/bills/", "/api/v1/me/payments/", "/api/v1/me/denda/"


def login_head(family):
    head = family.memberships.get(is_main=True).participant
    head.user = UserFactory(username=head.nik)
    head.save(update_fields=["user"])
    return head, bearer(head.user)


def money(amount: int) -> dict:
    return {"amount": amount, "formatted": f"Rp{amount:,}".replace(",", ".")}


def test_my_bills_lists_the_unpaid_months_per_member_and_what_to_pay():
    family = family_in_arrears(months=1, size=3, care_class=2)
    head, client = login_head(family)
    names = [m.participant.name for m in family.memberships.order_by("id")]

    response = client.get(BILLS)

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert data["summary"] == {
        "virtual_account": family.virtual_account,
        "as_of": timezone.localdate().isoformat(),
        "payer": "FAMILY",
        "arrears_months": 1,
        "arrears_counted": 1,
        "arrears_not_charged": 0,
        "months_to_pay": 2,
        "total_due": money(600_000),
        "credit": money(0),
        "remaining": money(600_000),
        "reactivation_pending": False,
    }
    this_month = data["results"][0]
    assert this_month["month"] == f"{months_ago(0):%Y-%m}"
    assert this_month["month_label"] == formats.date_format(months_ago(0), "F Y")
    assert this_month["due_date"] == months_ago(0).replace(day=10).isoformat()
    assert (this_month["state"], this_month["amount"], this_month["remaining"]) == (
        "OPEN",
        money(300_000),
        money(300_000),
    )
    assert [(line["name"], line["amount"]) for line in this_month["lines"]] == [
        (name, money(100_000)) for name in names
    ]
    assert data["results"][1]["month"] == f"{months_ago(1):%Y-%m}"

    # Reading again creates nothing new.
    client.get(BILLS)
    assert Bill.objects.count() == 2


def test_my_payments_lists_what_reached_the_virtual_account(django_capture_on_commit_callbacks):
    family = family_in_arrears(months=0, size=1, care_class=3)
    _head, client = login_head(family)
    with django_capture_on_commit_callbacks():
        payment_credit(
            channel=PaymentChannelFactory(code="BANK_UJI", name="Bank Uji"),
            transaction_id="TX-9",
            family=family,
            virtual_account=family.virtual_account,
            amount=50_000,
            paid_at=timezone.now(),
            on=timezone.localdate(),
        )

    data = client.get(PAYMENTS).json()

    assert data["count"] == 1
    row = data["results"][0]
    assert {k: row[k] for k in ("transaction_id", "channel", "amount", "allocated", "held")} == {
        "transaction_id": "TX-9",
        "channel": "BANK_UJI",
        "amount": money(50_000),
        "allocated": money(35_000),
        "held": money(15_000),
    }
    assert row["result"] == "SETTLED"


def test_denda_in_the_45_day_window_is_5_percent_per_month_in_arrears():
    today = timezone.localdate()
    family, head = make_family(
        2,
        paid_through=months_ago(0),
        reactivated_on=today - timedelta(days=10),
        reactivation_arrears_months=4,
    )
    client = bearer(head.user)

    data = client.get(DENDA, {"inacbg_cost": 10_000_000}).json()

    assert data["basis"] == "WINDOW"
    assert (data["months_in_arrears"], data["months_counted"], data["in_window"]) == (4, 4, True)
    assert data["penalty"] == money(2_000_000)
    assert data["window_until"] == (today + timedelta(days=34)).isoformat()
    assert data["paid_by_employer"] is False

    # A stay that starts after the window carries no penalty.
    later = (today + timedelta(days=35)).isoformat()
    assert client.get(DENDA, {"inacbg_cost": 10_000_000, "date": later}).json()["penalty"] == (
        money(0)
    )


def test_denda_is_capped_at_12_months_and_rp30_000_000():
    family, head = make_family(
        1,
        paid_through=months_ago(0),
        reactivated_on=timezone.localdate(),
        reactivation_arrears_months=20,
    )

    data = bearer(head.user).get(DENDA, {"inacbg_cost": 100_000_000}).json()

    assert (data["months_counted"], data["penalty"]) == (12, money(30_000_000))


def test_denda_for_a_family_in_arrears_is_what_a_stay_costs_once_paid_today():
    family = family_in_arrears(months=3, size=2)
    _head, client = login_head(family)

    data = client.get(DENDA, {"inacbg_cost": 8_000_000}).json()

    assert (data["basis"], data["months_in_arrears"], data["penalty"]) == (
        "IF_PAID_TODAY",
        3,
        money(1_200_000),
    )


def test_denda_without_a_window_is_zero():
    _family, head = make_family(1, paid_through=months_ago(0))

    data = bearer(head.user).get(DENDA, {"inacbg_cost": 8_000_000}).json()

    assert (data["basis"], data["in_window"], data["penalty"]) == ("NONE", False, money(0))


def test_denda_for_another_member_of_the_family_and_never_another_family():
    family, head = make_family(2, paid_through=months_ago(0))
    other_family, _other = make_family(1, paid_through=months_ago(0))
    member = family.memberships.get(is_main=False).participant
    stranger = other_family.memberships.get().participant
    client = bearer(head.user)

    mine = client.get(DENDA, {"inacbg_cost": 1, "card_number": member.card_number})
    theirs = client.get(DENDA, {"inacbg_cost": 1, "card_number": stranger.card_number})
    unknown = client.get(DENDA, {"inacbg_cost": 1, "card_number": "9999999999999"})

    assert (mine.status_code, mine.json()["card_number"]) == (200, member.card_number)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json() == unknown.json()


def test_denda_without_a_cost_is_a_field_error():
    _family, head = make_family(1)

    response = bearer(head.user).get(DENDA, {"inacbg_cost": "banyak", "date": "besok"})

    assert response.status_code == 400
    assert response.json()["code"] == "VALIDATION_ERROR"
    assert sorted(response.json()["fields"]) == ["date", "inacbg_cost"]


def test_a_ppu_member_is_told_the_employer_pays_the_denda():
    family, head = make_family(
        1,
        segment=Segment.objects.get(code="PPU_BU"),
        salary=8_000_000,
        reactivated_on=timezone.localdate(),
        reactivation_arrears_months=2,
    )

    data = bearer(head.user).get(DENDA, {"inacbg_cost": 1_000_000}).json()

    assert (data["paid_by_employer"], data["penalty"]) == (True, money(100_000))


@pytest.mark.parametrize("path", [BILLS, PAYMENTS, DENDA + "?inacbg_cost=1"])
def test_only_a_participant_with_a_token_reaches_payments(client, path):
    assert client.get(path).status_code == 401
    assert client.get(path).json()["code"] == "NOT_AUTHENTICATED"
    facility = bearer(FacilityUserFactory()).get(path)
    assert (facility.status_code, facility.json()["code"]) == (403, "FORBIDDEN")


def test_my_bills_query_count_does_not_grow_with_family_size():
    counts = []
    for size in (2, 7):
        family = family_in_arrears(months=2, size=size)
        _head, client = login_head(family)
        client.get(BILLS)  # bills created on the first read
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BILLS).status_code == 200
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


def test_the_schema_documents_the_payment_endpoints_and_their_errors(client):
    schema = client.get("/api/schema/?format=json").json()

    notifications = schema["paths"]["/api/v1/payments/notifications/"]["post"]
    assert set(notifications["responses"]) == {"200", "400", "401", "409", "429"}
    assert {p["name"] for p in notifications["parameters"]} == {
        "X-Channel-Id",
        "X-Timestamp",
        "X-Signature",
    }
    assert notifications["security"] == [{}]
    for path in ("/api/v1/me/bills/", "/api/v1/me/payments/", "/api/v1/me/denda/"):
        assert {"200", "401", "403", "404"} <= set(schema["paths"][path]["get"]["responses"])
    assert "400" in schema["paths"]["/api/v1/me/denda/"]["get"]["responses"]


def test_participant_facts_are_untouched_by_reading_bills():
    family = family_in_arrears(months=1, size=2)
    _head, client = login_head(family)
    before = list(Participant.objects.order_by("pk").values_list("paid_through", "status"))

    client.get(BILLS)

    assert list(Participant.objects.order_by("pk").values_list("paid_through", "status")) == (
        before
    )
