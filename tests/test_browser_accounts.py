"""End-to-end at phone width: a participant creates their account and recovers a password,
reading each code from the staff outbox after a real Celery worker has sent it (issue 9)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache

from core.factories import DEMO_PASSWORD
from demo.identities import HEAD_NIK, card_number
from demo.seed import seed_demo
from tests.test_browser import PHONE, browser, new_page, shot  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

SITI_NIK = "3174015503830001"  # Siti Rahayu, Budi's wife: a participant without a login
SITI_BIRTH = "1983-03-15"
NEW_PASSWORD = "Sate-Ayam-2026!"


@pytest.fixture
def site(live_server, celery_worker_process: str, settings) -> str:
    # Messages go to the real worker's queue; it sends them after our transactions commit.
    settings.MESSAGING_QUEUE = celery_worker_process
    cache.clear()
    seed_demo(log=lambda _msg: None)
    return live_server.url


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    page = new_page(browser, PHONE)
    yield page
    page.context.close()


@pytest.fixture
def outbox(browser: Any, site: str) -> Iterator[Any]:  # noqa: F811
    """A staff member's browser on the outbox page (admin login)."""
    page = new_page(browser)
    page.goto(f"{site}/admin/login/?next=/outbox/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    yield page
    page.context.close()


def solve_captcha(page: Any) -> None:
    key = page.input_value("input[name=captcha_0]")
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)


def code_from_outbox(outbox: Any, site: str, destination: str) -> str:
    """Wait until the worker has SENT the newest message to `destination`; read its code."""
    selector = f'[data-testid=message][data-destination="{destination}"]'
    for _ in range(60):
        outbox.goto(f"{site}/outbox/?to={destination}")
        first = outbox.locator(selector).first
        if first.count() and first.get_attribute("data-state") == "SENT":
            body = first.locator("[data-testid=message-body]").inner_text()
            found = re.search(r"\b(\d{6})\b", body)
            assert found, body
            return found.group(1)
        outbox.wait_for_timeout(500)
    raise AssertionError(f"no sent message to {destination}")


def test_create_account_at_phone_width_then_log_in_with_the_card_number(
    site: str, phone: Any, outbox: Any
) -> None:
    phone.goto(f"{site}/masuk/")
    phone.click("[data-testid=create-account]")
    # A wrong birth date first: refused with a field error, nothing created.
    phone.fill("#id_identifier", SITI_NIK)
    phone.fill("#id_birth_date", "1983-03-16")
    solve_captcha(phone)
    phone.click("[data-testid=signup-identify]")
    assert "Tanggal lahir tidak sesuai" in phone.inner_text("main")

    phone.fill("#id_identifier", SITI_NIK)
    phone.fill("#id_birth_date", SITI_BIRTH)
    solve_captcha(phone)
    shot(phone, "daftar-akun-1.png")
    with phone.expect_navigation():
        phone.click("[data-testid=signup-identify]")

    assert phone.inner_text("[data-testid=masked-name]") == "SI** RA****"
    assert "huruf besar" in phone.inner_text("[data-testid=password-rules]")
    phone.check("#id_confirm")
    phone.fill("#id_email", "siti.rahayu@contoh.id")
    phone.fill("#id_phone", "0813-1111-2222")
    phone.fill("#id_password", NEW_PASSWORD)
    phone.fill("#id_password2", NEW_PASSWORD)
    shot(phone, "daftar-akun-2.png")
    with phone.expect_navigation():
        phone.click("[data-testid=signup-send-code]")
    assert "si*********@contoh.id" in phone.inner_text("[data-testid=sent-to]")

    code = code_from_outbox(outbox, site, "siti.rahayu@contoh.id")
    shot(outbox, "outbox.png")
    phone.fill("#id_code", code)
    with phone.expect_navigation():
        phone.click("[data-testid=code-submit]")
    assert card_number(1, 2) in phone.inner_text("[data-testid=signup-done]")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.click("[data-testid=go-login]")
    phone.fill("#id_username", card_number(1, 2))
    phone.fill("#id_password", NEW_PASSWORD)
    with phone.expect_navigation():
        phone.click("[data-testid=login-submit]")
    assert "/info-peserta/" in phone.url
    assert "Siti Rahayu" in phone.inner_text("main")

    # First login: every page asks for the PIN until it is set.
    phone.click("[data-testid=pin-prompt] a")
    phone.fill("#id_pin", "190845")
    phone.fill("#id_pin2", "190845")
    with phone.expect_navigation():
        phone.click("[data-testid=pin-submit]")
    assert "/info-peserta/" in phone.url
    assert phone.locator("[data-testid=pin-prompt]").count() == 0


def test_lupa_password_by_sms_at_phone_width(site: str, phone: Any, outbox: Any) -> None:
    phone.goto(f"{site}/masuk/")
    phone.click("[data-testid=forgot-password]")
    phone.fill("#id_identifier", HEAD_NIK)
    phone.fill("#id_birth_date", "1980-01-01")
    solve_captcha(phone)
    with phone.expect_navigation():
        phone.click("[data-testid=reset-identify]")
    phone.check("input[value=SMS]")
    with phone.expect_navigation():
        phone.click("[data-testid=reset-send-code]")

    code = code_from_outbox(outbox, site, "+6281200000001")
    phone.fill("#id_code", code)
    phone.fill("#id_new_password", NEW_PASSWORD)
    phone.fill("#id_new_password2", NEW_PASSWORD)
    with phone.expect_navigation():
        phone.click("[data-testid=code-submit]")
    assert phone.locator("[data-testid=reset-done]").is_visible()
    shot(phone, "lupa-password-selesai.png")

    # The old password no longer works; the new one does.
    phone.goto(f"{site}/masuk/")
    phone.fill("#id_username", HEAD_NIK)
    phone.fill("#id_password", DEMO_PASSWORD)
    phone.click("[data-testid=login-submit]")
    assert "/masuk/" in phone.url
    phone.fill("#id_username", HEAD_NIK)
    phone.fill("#id_password", NEW_PASSWORD)
    with phone.expect_navigation():
        phone.click("[data-testid=login-submit]")
    assert "/info-peserta/" in phone.url
