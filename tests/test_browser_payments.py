"""End-to-end: a demo family in arrears pays by "Bayar (simulasi)" in a real browser
(Playwright driving Debian's Chromium) and sees its members turn AKTIF, the reactivation
applied by a real Celery worker on Redis, the page refreshing by itself until it is done."""

import time
from collections.abc import Iterator
from typing import Any

import pytest

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # the browser fixture skips or fails with the reason
    PlaywrightError = Exception  # type: ignore[misc,assignment]

from core.factories import DEMO_PASSWORD
from demo.seed import seed_demo
from participants.models import Participant
from payments.models import Payment, PaymentNotification, Reactivation

from .browser import browser  # noqa: F401 (fixture)
from .screenshots import screenshots_dir

RUDI = "3174021005750007"  # demo family 2: one month of arrears

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def badges(page: Any) -> dict[str, str]:
    rows = page.locator("[data-testid=member-status]")
    return {
        rows.nth(i).locator("a").inner_text(): rows.nth(i)
        .locator("[data-testid=badge]")
        .inner_text()
        for i in range(rows.count())
    }


def test_a_family_in_arrears_pays_by_simulation_and_turns_aktif(
    live_server, celery_worker_process: str, settings, page: Any
) -> None:
    # Reactivations go to the real worker's queue.
    settings.PAYMENTS_QUEUE = celery_worker_process
    seed_demo(log=lambda _msg: None)
    site = live_server.url
    family = Participant.objects.get(nik=RUDI).memberships.get().family

    # Given Rudi, one month in arrears, logged in.
    page.goto(f"{site}/masuk/")
    page.fill("#id_username", RUDI)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    cards = page.locator("[data-testid=member]")
    assert [cards.nth(i).locator("[data-testid=badge]").inner_text() for i in range(3)] == [
        "TIDAK AKTIF",
        "TIDAK AKTIF",
        "PENANGGUHAN",
    ]

    # When he follows the link from a member in arrears to the bill.
    with page.expect_navigation():
        page.locator("[data-testid=bill-link]").first.click()
    assert page.locator("h1").inner_text() == "Tagihan"
    assert page.locator("[data-testid=va]").inner_text() == family.virtual_account
    assert page.locator("[data-testid=remaining]").inner_text() == "Rp210.000"
    assert page.locator("[data-testid=bill]").count() == 2
    assert badges(page) == {
        "Rudi Hartono": "TIDAK AKTIF",
        "Yuliana Hartono": "TIDAK AKTIF",
        "Kevin Hartono": "PENANGGUHAN",
    }
    page.screenshot(path=str(screenshots_dir() / "tagihan.png"), full_page=True)

    # And pays by simulation: a signed notification, as a bank sends it.
    button = page.get_by_role("button", name="Bayar (simulasi)")
    with page.expect_navigation():
        button.click()

    # Then, without reloading by hand (the page refreshes itself while the reactivation is
    # pending), the page shows the members AKTIF.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            pending = page.locator("[data-testid=reactivation-pending]").count()
            if not pending and list(badges(page).values()).count("AKTIF") == 2:
                break
        except PlaywrightError:
            pass  # the page was refreshing under us
        time.sleep(0.25)
    else:
        people = Participant.objects.filter(memberships__family=family)
        raise AssertionError(
            f"members not AKTIF after 30 s: page {badges(page)}, database "
            f"{list(people.values_list('name', 'status'))}, reactivations "
            f"{list(Reactivation.objects.values_list('state', flat=True))}"
        )
    assert badges(page) == {
        "Rudi Hartono": "AKTIF",
        "Yuliana Hartono": "AKTIF",
        "Kevin Hartono": "PENANGGUHAN",
    }
    assert page.locator("[data-testid=nothing-due]").count() == 1
    assert page.locator("[data-testid=penalty-badge]").count() == 2
    page.screenshot(path=str(screenshots_dir() / "tagihan-lunas.png"), full_page=True)
    notification = PaymentNotification.objects.get()
    assert (notification.channel_code, notification.outcome) == ("SIMULASI", "ACCEPTED")
    assert Payment.objects.get(channel__code="SIMULASI").amount == 210_000
    assert Reactivation.objects.get().state == "DONE"

    # Info Peserta says the same, with the denda pelayanan note; the payment is in the history.
    with page.expect_navigation():
        page.click("[data-testid=nav-family]")
    assert [cards.nth(i).locator("[data-testid=badge]").inner_text() for i in range(3)] == [
        "AKTIF",
        "AKTIF",
        "PENANGGUHAN",
    ]
    assert cards.locator("[data-testid=penalty-badge]").count() == 2
    with page.expect_navigation():
        page.click("[data-testid=nav-history]")
    # Newest first: this payment, then the three months the demo family paid before.
    assert page.locator("[data-testid=payment]").count() == 1 + 3
    assert "Rp210.000" in page.locator("[data-testid=payment]").first.inner_text()
