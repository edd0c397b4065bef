"""What participants see on a 390 px phone (issue 7 points 14, 17, 18, 21), in Debian's
Chromium through Playwright: no page scrolls sideways, tables become stacked cards, the sync
panel tells the truth, amounts are typed as the page writes them, and the status badges are
told apart without relying on hue."""

import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from demo.identities import HEAD_NIK, demo_logins
from dukcapil_sync.registry.models import Person
from families.models import FamilyMembership
from tests.test_browser import (  # noqa: F401 - fixtures
    PHONE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    new_page,
    site,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_cache"),
]

ARREARS_NIK = "3174021005750007"  # Rudi Hartono: one month of arrears (TIDAK AKTIF)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    page = new_page(browser, PHONE)
    yield page
    page.context.close()


def fits(page: Any, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (selector, box)


def test_no_participant_page_scrolls_sideways_at_390_px(site: str, phone: Any) -> None:  # noqa: F811
    for nik, _story in demo_logins():
        if not nik.isdigit():
            continue  # staff and facility accounts use the admin and the API
        phone.context.clear_cookies()
        log_in(phone, site, nik)
        cards = phone.locator("[data-testid=member]")
        members = [cards.nth(i).get_attribute("data-card") for i in range(cards.count())]
        paths = ["/info-peserta/", "/tagihan/", "/riwayat-pembayaran/"]
        paths += [f"/info-peserta/{card}/" for card in members]
        for path in paths:
            phone.goto(site + path)
            assert_no_horizontal_scroll(phone, PHONE["width"])
        phone.goto(site + "/tagihan/")
        # The total and every open month are on screen, as cards rather than a wide table.
        fits(phone, "[data-testid=bill-summary] [data-testid=remaining]")
        if phone.locator("[data-testid=bill]").count():
            fits(phone, "[data-testid=total-due]")
            assert phone.locator("[data-testid=open-bills] thead").is_hidden()
            label = phone.evaluate(
                "getComputedStyle(document.querySelector('[data-testid=bill] td'), '::before')"
                ".content"
            )
            assert label == '"Bulan"'
    phone.goto(site + "/tidak-ada/")
    assert_no_horizontal_scroll(phone, PHONE["width"])


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return r / 255, g / 255, b / 255


def luminance(css: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(css))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


BADGE_STYLE = """el => {
  const s = getComputedStyle(el), b = getComputedStyle(el, '::before');
  return {text: el.innerText, fg: s.color, bg: s.backgroundColor, border: s.borderTopStyle,
          icon: b.content};
}"""


def badge_styles(page: Any) -> dict[str, dict[str, str]]:
    found = {}
    for selector in ("[data-testid=badge]", "[data-testid=penalty-badge]"):
        for i in range(page.locator(selector).count()):
            style = page.locator(selector).nth(i).evaluate(BADGE_STYLE)
            found[style["text"]] = style
    return found


def test_status_badges_differ_in_more_than_hue_and_are_readable(site: str, phone: Any) -> None:  # noqa: F811
    styles: dict[str, dict[str, str]] = {}
    for nik in (HEAD_NIK, ARREARS_NIK, "3174030510900031"):  # hold, arrears, denda window
        phone.context.clear_cookies()
        log_in(phone, site, nik)
        styles.update(badge_styles(phone))
    assert {"AKTIF", "TIDAK AKTIF", "PENANGGUHAN", "DENDA PELAYANAN"} <= set(styles)

    hold, inactive = styles["PENANGGUHAN"], styles["TIDAK AKTIF"]
    # Told apart without colour vision: another icon, another border, another lightness.
    assert len({styles[k]["icon"] for k in styles}) == 4
    assert hold["border"] != inactive["border"]
    assert contrast(hold["bg"], inactive["bg"]) >= 3
    # And every badge's text is readable on its background (WCAG AA, 4.5:1).
    for label, style in styles.items():
        assert contrast(style["fg"], style["bg"]) >= 4.5, (label, style)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_sync_panel_tells_what_happened(site: str, phone: Any, settings) -> None:  # noqa: F811
    # Given Dukcapil cannot be reached, and at most 2 syncs an hour per family.
    settings.DUKCAPIL_URL = f"http://127.0.0.1:{_closed_port()}/registry/api/v1"
    settings.DUKCAPIL_INTERACTIVE_RETRIES = 0
    settings.DUKCAPIL_FAMILY_SYNC_RATE = "2/hour"
    log_in(phone, site, HEAD_NIK)
    assert phone.locator("[data-testid=sync-last-checked]").inner_text() == (
        "Belum pernah dibandingkan dengan Dukcapil."
    )

    # When the participant presses the button twice, then a third time.
    messages = []
    for _ in range(3):
        with phone.expect_navigation():
            phone.click("[data-testid=sync-button]")
        messages.append(phone.locator("[data-testid=sync-message]").inner_text())

    # Then no message claims a sync that never happened, and the panel says the last one failed.
    assert messages[0] == messages[1]
    assert "Dukcapil tidak dapat dihubungi" in messages[0]
    assert messages[2].startswith("Data keluarga ini sudah beberapa kali diminta dari Dukcapil")
    assert "baru saja" not in messages[2]
    assert (
        phone.locator("[data-testid=sync-failed]").inner_text().startswith("Percobaan terakhir (")
    )
    assert_no_horizontal_scroll(phone, PHONE["width"])

    # When Dukcapil is back, with extra spaces in two names and another name for a third.
    settings.DUKCAPIL_URL = ""
    cache.clear()
    members = [
        m.participant
        for m in FamilyMembership.objects.filter(
            family__memberships__participant__nik=HEAD_NIK, valid_to__isnull=True
        ).select_related("participant")
        if m.participant.nik
    ]
    people = {p.nik: p for p in Person.objects.filter(nik__in=[m.nik for m in members])}
    changed = 0
    for member in members:
        person = people.get(member.nik or "")
        if person is None or person.name != member.name.upper() or " " not in person.name:
            continue
        # Dukcapil writes names in capitals; extra spaces are a safe difference, a new word not.
        person.name = person.name.replace(" ", "  ", 1) if changed < 2 else person.name + " PUTRA"
        person.save(update_fields=["name"])
        changed += 1
    assert changed == 3
    with phone.expect_navigation():
        phone.click("[data-testid=sync-button]")

    # Then the message accounts for every difference: the two corrected, and the new name and
    # the demo's known mismatch (first compared now) to act on.
    assert phone.locator("[data-testid=sync-message]").inner_text() == (
        "Disinkronkan dengan Dukcapil: 4 perbedaan baru ditemukan. 2 diperbaiki otomatis "
        "(huruf besar/kecil atau spasi pada nama). 2 perlu ditindaklanjuti: status setiap "
        "anggota di bawah menjelaskan yang harus dilakukan."
    )
    assert phone.locator("[data-testid=sync-failed]").count() == 0
    assert (
        phone.locator("[data-testid=sync-last-checked]")
        .inner_text()
        .startswith("Terakhir dibandingkan dengan Dukcapil: ")
    )


def test_the_denda_calculator_takes_amounts_as_the_page_writes_them(site: str, phone: Any) -> None:  # noqa: F811
    log_in(phone, site, "3174030510900031")  # reactivated 10 days ago
    phone.goto(site + "/tagihan/")
    for typed in ("10.000.000", "Rp10.000.000", "10000000"):
        phone.fill("#id_inacbg_cost", typed)
        with phone.expect_navigation():
            phone.click("[data-testid=denda-form] button[type=submit]")
        assert phone.locator("[data-testid=denda-amount]").inner_text() != ""
        amounts = phone.locator("[data-testid=denda-amount]").inner_text()
        if typed == "10.000.000":
            first = amounts
        assert amounts == first
    phone.fill("#id_inacbg_cost", "10.00.000")
    with phone.expect_navigation():
        phone.click("[data-testid=denda-form] button[type=submit]")
    assert (
        "Tulis jumlah dalam rupiah, mis. 10.000.000."
        in phone.locator("[data-testid=denda-form]").inner_text()
    )
    assert_no_horizontal_scroll(phone, PHONE["width"])
