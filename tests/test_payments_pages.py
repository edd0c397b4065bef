"""Tagihan, Riwayat Pembayaran, the denda calculator and "Bayar (simulasi)" without a browser
(Bahasa Indonesia first; DESIGN.md 1, 4.4)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.factories import DEMO_PASSWORD
from demo.seed import seed_demo
from participants.models import Participant, StatusChange
from payments.factories import months_ago
from payments.models import Bill, Payment, PaymentNotification, Reactivation
from payments.tasks import reactivate
from tests.conftest import make_family

pytestmark = pytest.mark.django_db

BILLS, SIMULATE, HISTORY = (
    reverse("payments:bills"),
    reverse("payments:simulate"),
    reverse("payments:history"),
)
RUDI = "3174021005750007"  # demo family 2: one month in arrears, PBPU class 3
HENDRA = "3201010404700012"  # demo family 3: 30 months in arrears, PBPU class 1


@pytest.fixture
def demo() -> None:
    seed_demo(log=lambda _msg: None)


def logged_in(client: Client, nik: str) -> Client:
    response = client.post(reverse("login"), {"username": nik, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_tagihan_shows_each_unpaid_month_per_member_the_total_and_the_va(client, demo):
    logged_in(client, RUDI)

    page = client.get(BILLS)

    assert page.status_code == 200
    shown = text(page)
    family = Participant.objects.get(nik=RUDI).memberships.get().family
    # Class III: 3 members x Rp35.000 a month (the member whose NIK is on hold is still
    # covered, so still billed), for last month and this month.
    assert "Tagihan" in shown
    assert f"Virtual Account {family.virtual_account}" in shown
    assert "Total yang harus dibayar Rp210.000" in shown
    assert "Tunggakan 1 bulan" in shown
    bills = page.context["statement"].open_bills
    assert [(b.month, b.amount) for b in bills] == [
        (months_ago(1), 105_000),
        (months_ago(0), 105_000),
    ]
    assert shown.count("Rp35.000 (+Rp7.000 dari pemerintah)") == 6
    assert "Bayar (simulasi)" in shown
    assert 'http-equiv="refresh"' not in page.content.decode()


def test_tagihan_for_30_months_charges_24_plus_this_month(client, demo):
    logged_in(client, HENDRA)

    shown = text(client.get(BILLS))

    assert "Tunggakan 30 bulan" in shown
    assert "bayar tunggakan 24 bulan (paling banyak 24 bulan dihitung) ditambah bulan ini" in shown
    assert "6 bulan yang lebih lama tidak ditagih." in shown
    assert "Total yang harus dibayar Rp7.500.000" in shown


def test_pay_by_simulation_goes_through_the_signed_notification_and_reactivates(
    client, demo, django_capture_on_commit_callbacks
):
    logged_in(client, RUDI)
    ids = list(
        Participant.objects.get(nik=RUDI)
        .memberships.get()
        .family.memberships.values_list("participant_id", flat=True)
    )

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(SIMULATE)

    # Paid through the same path a bank uses: a signed notification, accepted.
    assert response.status_code == 302 and response["Location"] == BILLS
    notification = PaymentNotification.objects.get()
    assert (notification.channel_code, notification.outcome, notification.signature_valid) == (
        "SIMULASI",
        "ACCEPTED",
        True,
    )
    assert Payment.objects.get(channel__code="SIMULASI").amount == 210_000
    assert len(callbacks) == 1
    pending = client.get(BILLS)
    assert "Pembayaran Rp210.000 diterima (simulasi" in text(pending)
    assert 'http-equiv="refresh" content="2"' in pending.content.decode()
    assert "Bayar (simulasi)" not in text(pending)

    # When the worker applies the reactivation (here: the task function, directly).
    reactivate(Reactivation.objects.get().pk)

    done = client.get(BILLS)
    assert 'http-equiv="refresh"' not in done.content.decode()
    assert "Tidak ada yang perlu dibayar" in text(done)
    badges = dict(Participant.objects.filter(pk__in=ids).values_list("name", "status"))
    assert badges == {
        "Rudi Hartono": "AKTIF",
        "Yuliana Hartono": "AKTIF",
        "Kevin Hartono": "PENANGGUHAN",
    }
    assert text(done).count("AKTIF DENDA PELAYANAN") == 2
    assert StatusChange.objects.filter(cause="PAYMENT", status="AKTIF").count() == 2


def test_simulation_is_off_outside_the_embedded_default(client, demo, settings):
    settings.PAYMENT_SIMULATION = False
    logged_in(client, RUDI)

    assert "Bayar (simulasi)" not in text(client.get(BILLS))
    response = client.post(SIMULATE, follow=True)

    assert "Pembayaran simulasi dimatikan di server ini." in text(response)
    assert not Payment.objects.filter(channel__code="SIMULASI").exists()


def test_simulation_needs_a_post(client, demo):
    logged_in(client, RUDI)

    assert client.get(SIMULATE).status_code == 405


def test_payment_history_lists_payments_and_settled_months(
    client, demo, django_capture_on_commit_callbacks
):
    logged_in(client, RUDI)
    # The demo family paid its last three months before falling behind (demo data).
    before = text(client.get(HISTORY))
    assert before.count("Rp105.000 tagihan lunas") == 3
    with django_capture_on_commit_callbacks():
        client.post(SIMULATE)

    shown = text(client.get(HISTORY))

    assert "Riwayat Pembayaran" in shown
    assert "Rp210.000 tagihan lunas" in shown
    assert shown.count("Rp105.000 lunas") == 2 + 3


def test_the_denda_calculator_on_the_bill_page(client):
    _family, head = make_family(
        1,
        paid_through=months_ago(0),
        reactivated_on=timezone.localdate() - timedelta(days=3),
        reactivation_arrears_months=5,
    )
    client.force_login(head.user)

    shown = text(client.get(BILLS, {"inacbg_cost": "6000000", "card_number": head.card_number}))

    assert "Denda pelayanan: Rp1.500.000" in shown
    assert f"{head.name}: 5% x Rp6.000.000 x 5 bulan" in shown


def test_a_bad_cost_in_the_calculator_is_a_field_error(client):
    _family, head = make_family(1, paid_through=months_ago(0))
    client.force_login(head.user)

    page = client.get(BILLS, {"inacbg_cost": "-5", "card_number": head.card_number})

    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["inacbg_cost"]


def test_participants_find_bills_from_the_menu_and_from_a_member_in_arrears(client, demo):
    logged_in(client, RUDI)

    info = client.get(reverse("families:family")).content.decode()

    assert f'href="{BILLS}" data-testid="nav-bills">Tagihan<' in info
    assert f'href="{HISTORY}" data-testid="nav-history">Riwayat Pembayaran<' in info
    assert info.count('data-testid="bill-link"') == 2  # the two members in arrears
    assert "Lihat tagihan dan bayar" in info


def test_the_pages_need_a_login_and_a_family(client):
    for url in (BILLS, HISTORY):
        assert client.get(url)["Location"].startswith(reverse("login"))
    from core.factories import StaffUserFactory

    client.force_login(StaffUserFactory())
    assert client.get(BILLS).status_code == 404


def test_the_bill_page_in_english_on_request(client, demo):
    logged_in(client, RUDI)
    client.post(reverse("set_language"), {"language": "en", "next": BILLS})

    shown = text(client.get(BILLS))

    assert "Bills" in shown and "Total to pay Rp210.000" in shown
    assert "Pay (simulation)" in shown
    assert Bill.objects.filter(state="OPEN").count() >= 2
