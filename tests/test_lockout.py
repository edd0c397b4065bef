"""Login limits (issue 7 points 7-9): per account and per address, counted independently,
reset only by what a success proves; the client address only from trusted proxies; a
mobile network behind one address is not locked out by five failures; staff keep their own
login page."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from core.factories import DEMO_PASSWORD, StaffUserFactory
from tests.conftest import make_family

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

TOKEN = "/api/v1/auth/token/"


def page_login(client: Client, nik: str, password: str, **extra) -> int:
    return client.post(
        reverse("login"), {"username": nik, "password": password}, **extra
    ).status_code


def api_login(client: Client, nik: str, password: str, **extra) -> int:
    return client.post(
        TOKEN, {"nik": nik, "password": password}, content_type="application/json", **extra
    ).status_code


def test_another_accounts_success_from_the_same_address_does_not_reset_the_count(client):
    # Given an attacker who failed 4 times on the victim's account...
    victim, attacker = make_family(1)[1], make_family(1)[1]
    assert [page_login(client, victim.nik, "salah") for _ in range(4)] == [200] * 4

    # ...when they log in with an account of their own from the same address...
    assert page_login(client, attacker.nik, DEMO_PASSWORD) == 302
    client.post(reverse("logout"))

    # ...then the victim's account still locks at the fifth failure.
    assert page_login(client, victim.nik, "salah") == 429
    assert page_login(client, victim.nik, DEMO_PASSWORD) == 429


def test_an_api_login_resets_its_own_accounts_count(client):
    head = make_family(1)[1]
    assert [api_login(client, head.nik, "salah") for _ in range(4)] == [401] * 4

    assert api_login(client, head.nik, DEMO_PASSWORD) == 201

    # The success proved the password: four more mistakes do not lock the account.
    assert [api_login(client, head.nik, "salah") for _ in range(4)] == [401] * 4
    assert api_login(client, head.nik, DEMO_PASSWORD) == 201


def test_a_whole_network_behind_one_address_is_not_locked_by_five_failures(client, settings):
    # Given 10 participants behind one carrier address, each mistyping once.
    heads = [make_family(1)[1] for _ in range(11)]
    assert [page_login(client, h.nik, "salah") for h in heads[:10]] == [200] * 10

    # Then the next one still logs in, and staff on the admin too.
    assert page_login(client, heads[10].nik, DEMO_PASSWORD) == 302
    staff = StaffUserFactory()
    admin = Client().post(
        "/admin/login/?next=/admin/", {"username": staff.username, "password": DEMO_PASSWORD}
    )
    assert admin.status_code == 302


def test_the_address_limit_applies_across_accounts_and_is_not_reset_by_a_success(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    heads = [make_family(1)[1] for _ in range(8)]
    assert [page_login(client, h.nik, "salah") for h in heads[:5]] == [200] * 5
    assert page_login(client, heads[5].nik, DEMO_PASSWORD) == 302  # resets nothing here
    client.post(reverse("logout"))
    assert page_login(client, heads[6].nik, "salah") == 200  # the sixth failure

    response = client.post(reverse("login"), {"username": heads[7].nik, "password": DEMO_PASSWORD})

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert SESSION_KEY not in client.session
    assert api_login(client, heads[7].nik, DEMO_PASSWORD) == 429


def test_a_locked_address_shows_staff_the_admin_login_not_the_nik_form(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    staff = StaffUserFactory()
    for _ in range(2):
        client.post("/admin/login/", {"username": staff.username, "password": "salah"})

    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff.username, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert 'name="username"' in page
    assert "NIK" not in page
    assert "15 menit" in page
    assert "Django" in page or "admin" in page


@pytest.mark.parametrize("forwarded", ["10.0.0.{}", "203.0.113.{}, 10.9.9.9"])
def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, settings, forwarded):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    heads = [make_family(1)[1] for _ in range(4)]
    answers = [
        page_login(client, h.nik, "salah", HTTP_X_FORWARDED_FOR=forwarded.format(i))
        for i, h in enumerate(heads[:3])
    ]
    assert answers == [200] * 3

    locked = page_login(client, heads[3].nik, DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert locked == 429


def test_behind_one_trusted_proxy_each_client_address_counts_on_its_own(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    heads = [make_family(1)[1] for _ in range(4)]
    # The proxy appends the real client; a client-written entry on the left changes nothing.
    for h in heads[:3]:
        page_login(client, h.nik, "salah", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")

    assert (
        page_login(client, heads[3].nik, DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7") == 429
    )
    other = page_login(Client(), heads[3].nik, DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other == 302


def test_the_token_throttle_does_not_trust_a_forged_forwarded_for(client, monkeypatch):
    from core.api_views import TokenThrottle

    monkeypatch.setattr(TokenThrottle, "THROTTLE_RATES", {"token": "3/min"})
    answers = [
        client.post(
            TOKEN, {}, content_type="application/json", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"
        ).status_code
        for i in range(4)
    ]
    assert answers == [400, 400, 400, 429]


def test_alternating_nik_and_card_number_shares_one_count(client):
    # Given an account that logs in with its NIK or its card number...
    head = make_family(1)[1]
    # ...three failures by NIK and one by card number...
    assert [page_login(client, head.nik, "salah") for _ in range(3)] == [200] * 3
    assert page_login(client, head.card_number, "salah") == 200
    # ...then the fifth failure, whichever number is typed, locks the one account.
    assert page_login(client, head.card_number, "salah") == 429
    assert page_login(client, head.nik, DEMO_PASSWORD) == 429
    assert page_login(client, head.card_number, DEMO_PASSWORD) == 429
