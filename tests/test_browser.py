"""End-to-end: a participant in a real browser (Playwright driving Debian's Chromium).

Covers what the template tests cannot: the pages as a phone shows them, the language switch
and logout forms really posting, and the README's screenshots (written to var/screenshots/;
`make screenshots` refreshes docs/screenshots/, see tests/screenshots.py).
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone, translation

from core.factories import DEMO_PASSWORD
from demo.identities import HEAD_NIK, demo_logins
from demo.seed import seed_demo
from families.selectors import family_view_for_participant
from participants.models import Participant

from .browser import browser  # noqa: F401 (fixture; the other browser tests import it from here)
from .screenshots import screenshots_dir

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# live_server needs committed data; the root conftest reloads the reference data (regions,
# segments, rates) that the flush after each transactional test removes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server) -> str:
    seed_demo(log=lambda _msg: None)
    return live_server.url


def new_page(browser: Any, viewport: dict[str, int] = DESKTOP) -> Any:  # noqa: F811
    # An Indonesian phone or laptop: the browser asks for Bahasa Indonesia.
    context = browser.new_context(viewport=viewport, locale="id-ID")
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    page = new_page(browser, PHONE)
    yield page
    page.context.close()


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(screenshots_dir() / name), full_page=True)


def log_in(page: Any, site: str, nik: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{site}/masuk/")
    page.fill("#id_username", nik)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")


def login_of(story_start: str) -> str:
    """The demo login whose story (demo/identities.py) starts with `story_start`."""
    return next(nik for nik, story in demo_logins() if story.startswith(story_start))


@dataclass(frozen=True)
class Expected:
    card: str
    name: str
    badge: str
    penalty: bool
    remedy: str


def expected_members(nik: str) -> list[Expected]:
    """What Info Peserta must show, from the database through the one status function."""
    participant = Participant.objects.get(user__username=nik)
    with translation.override("id"):
        view = family_view_for_participant(participant=participant, on=timezone.localdate())
        assert view is not None
        return [
            Expected(
                card=m.participant.card_number,
                name=m.participant.name,
                badge=m.status.status_label,
                penalty=m.status.has_penalty,
                remedy=m.status.remedy,
            )
            for m in view.members
        ]


def squash(text: str) -> str:
    return " ".join(text.split())


def assert_members_shown(page: Any, expected: list[Expected]) -> None:
    cards = page.locator("[data-testid=member]")
    assert cards.count() == len(expected)
    for i, want in enumerate(expected):
        card = cards.nth(i)
        assert card.get_attribute("data-card") == want.card
        assert card.locator("h2").inner_text() == want.name
        assert card.locator("[data-testid=badge]").inner_text() == want.badge
        assert card.locator("[data-testid=penalty-badge]").count() == int(want.penalty)
        remedy = card.locator("[data-testid=remedy]")
        if want.badge != "AKTIF" or want.penalty:
            # Every member who cannot use the card normally is told what to do about it.
            assert want.remedy
            assert squash(want.remedy) in squash(remedy.inner_text())
        elif not want.remedy:
            assert remedy.count() == 0


def assert_no_horizontal_scroll(page: Any, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at a {width}px viewport"


def test_head_of_family_logs_in_sees_the_family_and_logs_out(site: str, page: Any) -> None:
    # Given the demo family: 3 members AKTIF, a Dukcapil mismatch (PENANGGUHAN) and a paid
    # newborn without NIK, AKTIF with the note "NIK belum terbit" (issue 8 point 3).
    expected = expected_members(HEAD_NIK)
    assert Counter(m.badge for m in expected) == {"AKTIF": 4, "PENANGGUHAN": 1}

    # Info Peserta sends a visitor to the login page first.
    page.goto(f"{site}/info-peserta/")
    assert page.url == f"{site}/masuk/?next=/info-peserta/"
    assert page.locator("h1").inner_text() == "Masuk ke JKN Portal"
    shot(page, "login.png")

    # A wrong password is refused in Indonesian, and nobody is logged in.
    page.fill("#id_username", HEAD_NIK)
    page.fill("#id_password", "salah-sandi")
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert page.url.startswith(f"{site}/masuk/")
    assert page.get_by_role("alert").inner_text() == "NIK, nomor kartu, atau kata sandi salah."
    assert page.locator("[data-testid=logout]").count() == 0
    shot(page, "login-error.png")

    # The right password opens Info Peserta, where the login page promised to go.
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")
    assert page.url == f"{site}/info-peserta/"
    assert page.locator("h1").inner_text() == "Info Peserta"
    assert page.locator("[data-testid=logout]").inner_text() == "Keluar"
    assert_members_shown(page, expected)
    shot(page, "info-peserta.png")

    # A member's page shows the status and the history of its changes.
    mismatch = next(m for m in expected if m.name == "Dewi Lestari")
    with page.expect_navigation():
        page.click(f"[data-card='{mismatch.card}'] h2 a")
    assert page.url == f"{site}/info-peserta/{mismatch.card}/"
    detail = page.locator("[data-testid=member-detail]")
    assert detail.locator("[data-testid=badge]").inner_text() == "PENANGGUHAN"
    assert squash(mismatch.remedy) in squash(detail.locator("[data-testid=remedy]").inner_text())
    history = page.locator("[data-testid=history] tbody tr")
    assert history.count() >= 1
    assert "PENANGGUHAN" in history.first.inner_text()
    assert page.get_by_role("heading", name="Riwayat status").count() == 1
    shot(page, "member-detail.png")

    # English on request, on the same page, and back to Bahasa Indonesia.
    with page.expect_navigation():
        page.click("[data-testid=lang-en]")
    assert page.url == f"{site}/info-peserta/{mismatch.card}/"
    assert page.get_by_role("heading", name="Status history").count() == 1
    assert page.locator("[data-testid=logout]").inner_text() == "Log out"
    assert page.locator("html").get_attribute("lang") == "en"
    with page.expect_navigation():
        page.click("[data-testid=lang-id]")
    assert page.get_by_role("heading", name="Riwayat status").count() == 1
    assert page.locator("[data-testid=logout]").inner_text() == "Keluar"

    # Logging out ends the session: Info Peserta asks for the login again.
    with page.expect_navigation():
        page.click("[data-testid=logout]")
    assert page.url == f"{site}/masuk/"
    page.goto(f"{site}/info-peserta/")
    assert page.url == f"{site}/masuk/?next=/info-peserta/"


def test_pages_fit_a_phone(site: str, phone: Any) -> None:
    phone.goto(f"{site}/masuk/")
    assert_no_horizontal_scroll(phone, PHONE["width"])

    log_in(phone, site, HEAD_NIK)
    assert phone.url == f"{site}/info-peserta/"
    assert_members_shown(phone, expected_members(HEAD_NIK))
    assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "info-peserta-mobile.png")

    for card in phone.locator("[data-testid=member]").evaluate_all(
        "cards => cards.map(c => c.dataset.card)"
    ):
        phone.goto(f"{site}/info-peserta/{card}/")
        assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "member-detail-mobile.png")


def test_family_in_arrears_sees_what_to_pay(site: str, page: Any) -> None:
    nik = login_of("arrears of 1 month")
    expected = expected_members(nik)
    # The two paying members are TIDAK AKTIF; the member whose NIK Dukcapil does not know is
    # held first (PENANGGUHAN), whatever the payments.
    assert [m.badge for m in expected] == ["TIDAK AKTIF", "TIDAK AKTIF", "PENANGGUHAN"]

    log_in(page, site, nik)

    assert_members_shown(page, expected)
    head = page.locator("[data-testid=member]").first
    remedy = squash(head.locator("[data-testid=remedy]").inner_text())
    family = Participant.objects.get(user__username=nik).memberships.get().family
    assert family.virtual_account in remedy
    assert "tunggakan 1 bulan" in remedy
    assert "Tunggakan iuran 1 bulan" in head.inner_text()
    shot(page, "arrears.png")


def test_reactivated_family_sees_the_denda_pelayanan_note(site: str, page: Any) -> None:
    nik = login_of("reactivated")
    expected = expected_members(nik)
    assert [(m.badge, m.penalty) for m in expected] == [("AKTIF", True), ("AKTIF", True)]

    log_in(page, site, nik)

    assert_members_shown(page, expected)
    for card in page.locator("[data-testid=member]").all():
        assert card.locator("[data-testid=penalty-badge]").inner_text() == "DENDA PELAYANAN"
        note = squash(card.locator("[data-testid=remedy]").inner_text())
        assert note.startswith("Catatan")
        assert "denda pelayanan" in note
        assert "4 bulan" in note
    shot(page, "denda-pelayanan.png")
