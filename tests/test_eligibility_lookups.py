"""Issue 7 point 13: a facility account could read names by trying sequential card numbers
without limit. The eligibility API is now rate limited per account and logs every lookup
(the log and the limit are shared with the VClaim facade: vclaim/tests/test_facade.py)."""

from datetime import date

import pytest
from django.utils import timezone

from core.factories import FacilityUserFactory
from participants.models import EligibilityLookup
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def test_each_lookup_is_logged_found_or_not(family_a):
    _family, head = family_a
    account = FacilityUserFactory()
    api = bearer(account)
    before = timezone.now()

    api.get(f"/api/v1/eligibility/?card_number={head.card_number}&date=2026-11-21")
    api.get(f"/api/v1/eligibility/?nik={head.nik}")
    api.get("/api/v1/eligibility/?card_number=0009999999999&date=2026-11-21")
    api.get("/api/v1/eligibility/?card_number=12")  # malformed: nothing was looked up

    rows = list(EligibilityLookup.objects.order_by("id"))
    assert [
        (r.account, r.channel, r.kind, r.asked_number, r.participant, r.result, r.service_date)
        for r in rows
    ] == [
        (account, "API", "CARD", head.card_number, head, "AKTIF", date(2026, 11, 21)),
        (account, "API", "NIK", head.nik, head, "AKTIF", timezone.localdate()),
        (account, "API", "CARD", "0009999999999", None, "NOT_FOUND", date(2026, 11, 21)),
    ]
    assert all(before <= r.asked_at <= timezone.now() for r in rows)
    assert {r.client_address for r in rows} == {"127.0.0.1"}


def test_sequential_card_numbers_hit_the_limit_per_account(family_a, settings):
    # A day's window, so that the test cannot straddle two windows.
    settings.ELIGIBILITY_RATE_LIMIT = "1000/min,5/day"
    prober, other = bearer(FacilityUserFactory()), bearer(FacilityUserFactory())
    answers = [
        prober.get(f"/api/v1/eligibility/?card_number={1_000_000_000_000 + n:013d}").status_code
        for n in range(7)
    ]

    assert answers[5:] == [429, 429]
    refused = prober.get("/api/v1/eligibility/?card_number=0001000000000")
    assert refused.json()["code"] == "RATE_LIMITED"
    assert refused.json()["message"].startswith("Terlalu banyak permintaan.")
    assert 1 <= int(refused["Retry-After"]) <= 86400
    # Another account is not affected; refused lookups are not answered, nor logged.
    _family, head = family_a
    assert other.get(f"/api/v1/eligibility/?card_number={head.card_number}").status_code == 200
    assert EligibilityLookup.objects.count() == 6


def test_rate_limit_setting_is_checked():
    from participants.eligibility import RateWindow, parse_rate_limit

    assert parse_rate_limit("60/min, 5000/day") == [RateWindow(60, 60), RateWindow(5000, 86400)]
    with pytest.raises(ValueError, match="expected COUNT"):
        parse_rate_limit("sixty/min")
