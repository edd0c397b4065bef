"""Demo data is consistent (issue 7 point 15): a family that Info Peserta shows as paid has
the payments behind it in Riwayat Pembayaran; seeding twice adds nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from demo.identities import demo_logins
from demo.seed import seed_demo
from participants.models import Participant
from participants.status import month_index, month_start
from payments.models import Bill, Payment

pytestmark = pytest.mark.django_db


def test_every_paying_demo_family_shows_the_payments_of_its_paid_months():
    seed_demo(log=lambda _msg: None)
    today = timezone.localdate()
    checked = 0
    for nik, _story in demo_logins():
        if not nik.isdigit():
            continue
        head = Participant.objects.select_related("segment").get(user__username=nik)
        if head.segment.is_state_paid or head.paid_through is None:
            continue
        family = head.memberships.get(valid_to__isnull=True).family
        latest = month_start(month_index(min(head.paid_through, today)))
        client = Client()
        client.force_login(head.user)

        page = client.get(reverse("payments:history")).content.decode()

        # The latest paid month is settled by a payment the family can see.
        bill = Bill.objects.get(family=family, month=latest)
        assert (bill.state, bill.paid_amount) == ("PAID", bill.amount)
        payments = Payment.objects.filter(family=family)
        assert payments.count() == 3, nik
        assert 'data-testid="no-payments"' not in page
        assert page.count('data-testid="payment"') == 3
        assert all(p.allocated_amount == p.amount for p in payments)
        checked += 1
    assert checked >= 5


def test_seeding_twice_adds_no_payment():
    seed_demo(log=lambda _msg: None)
    before = (Payment.objects.count(), Bill.objects.count())

    seed_demo(log=lambda _msg: None)

    assert (Payment.objects.count(), Bill.objects.count()) == before
    assert before[0] > 0
