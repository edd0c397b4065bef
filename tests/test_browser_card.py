"""End-to-end in Debian's Chromium at phone width: a member's KIS Digital card, its QR code
read back from the screen (zxing-cpp) to a token that the faskes' verify endpoint accepts."""

import io
from typing import Any

import pytest
from knox.models import AuthToken

from core.factories import FacilityUserFactory
from demo.identities import HEAD_NIK
from tests.test_browser import (  # noqa: F401 - fixtures used by name
    PHONE,
    assert_no_horizontal_scroll,
    browser,
    log_in,
    phone,
    shot,
    site,
    squash,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def read_qr(png: bytes) -> str:
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1, f"{len(results)} codes found"
    return results[0].text


def test_card_qr_code_verifies_at_the_faskes(site: str, phone: Any) -> None:  # noqa: F811
    log_in(phone, site, HEAD_NIK)
    dewi = phone.locator("[data-testid=member]", has_text="Dewi Lestari")
    card_number = dewi.get_attribute("data-card")
    with phone.expect_navigation():
        dewi.locator("[data-testid=kis-link]").click()
    assert phone.url == f"{site}/kartu/{card_number}/"

    kis = phone.locator("[data-testid=kis-card]")
    assert kis.locator("[data-testid=kis-number]").inner_text() == card_number
    assert kis.locator("[data-testid=kis-name]").inner_text() == "Dewi Lestari"
    nik = kis.locator("[data-testid=kis-nik]").inner_text()
    assert "********" in nik
    assert kis.locator("[data-testid=badge]").inner_text() == "PENANGGUHAN"
    assert_no_horizontal_scroll(phone, PHONE["width"])
    shot(phone, "kis-digital.png")

    # What the faskes' scanner reads off the phone's screen.
    token = read_qr(phone.locator("[data-testid=qr] svg").screenshot())
    assert token.count(":") == 2  # payload, time and signature: a signed token
    assert HEAD_NIK not in token

    _instance, api_token = AuthToken.objects.create(FacilityUserFactory())
    answer = phone.request.get(
        f"{site}/api/v1/cards/verify/{token}/",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert answer.status == 200
    body = answer.json()
    assert (body["card_number"], body["name"]) == (card_number, "Dewi Lestari")
    assert (body["status"], body["reason"]) == ("PENANGGUHAN", "DUKCAPIL_MISMATCH")
    assert body["nik"] == nik

    # One character changed in what was scanned: refused.
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused = phone.request.get(
        f"{site}/api/v1/cards/verify/{tampered}/",
        headers={"Authorization": f"Bearer {api_token}"},
    )
    assert (refused.status, refused.json()["code"]) == (400, "CARD_TOKEN_INVALID")
    assert squash(phone.locator("[data-testid=qr] figcaption").inner_text()).startswith(
        "Faskes memindai kode ini"
    )
