"""End-to-end at phone width: a family registers by KK in a real browser (Playwright driving
Debian's Chromium), reads the code from the outbox, sees the VA, pays, and is AKTIF."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from captcha.models import CaptchaStore
from django.core import mail
from django.utils import timezone

from core.factories import DEMO_PASSWORD
from core.formatting import rupiah
from families.models import FamilyCard
from participants.models import Participant, Segment
from payments.factories import PaymentChannelFactory, notification_body, signed
from payments.models import Reactivation
from payments.tasks import reactivate
from registrations.models import Registration
from tests.conftest import make_family
from tests.screenshots import screenshots_dir
from tests.test_browser import PHONE, browser, new_page  # noqa: F401 (fixture)

from .flow import delivered, last_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:  # noqa: F811
    page = new_page(browser, PHONE)
    yield page
    page.context.close()


def next_step(page: Any) -> None:
    with page.expect_navigation():
        page.click("[data-testid=next]")


def test_a_family_registers_at_phone_width_pays_and_is_aktif(
    live_server, phone: Any, new_family, place
) -> None:
    site = live_server.url
    page = phone
    page.goto(f"{site}/pendaftaran/")
    with page.expect_navigation():
        page.click("[data-testid=start]")
    draft_url = page.url

    page.check("[data-testid=accept-terms]")
    next_step(page)
    page.fill("[data-testid=kk-number]", new_family.kk_number)
    page.fill("input[name=captcha_1]", "999999")
    next_step(page)
    # A wrong answer to the bot check asks the registry nothing.
    assert "bot" in page.locator("[data-testid=error]").inner_text().lower()
    assert Registration.objects.get().kk_number == ""
    page.fill("[data-testid=kk-number]", new_family.kk_number)
    key = page.input_value("input[name=captcha_0]")
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)
    next_step(page)

    # The KK's members come from the registry; leaving one out is refused with who and why.
    members = page.locator("[data-testid=member]")
    assert members.count() == 3
    assert "BUDI SANTOSO" in members.nth(0).inner_text()
    members.nth(2).locator("[data-testid=include]").uncheck()
    next_step(page)
    assert "Belum lengkap: RAKA PUTRA." in page.locator("[data-testid=error]").inner_text()
    assert not FamilyCard.objects.exists()

    # Leave and come back: the draft resumes at the same step.
    page.goto(f"{site}/pendaftaran/")
    with page.expect_navigation():
        page.click("[data-testid=resume]")
    assert page.url == draft_url
    assert page.locator("[data-testid=member]").count() == 3
    next_step(page)

    # Class: the iuran per member and the family total for each class.
    assert page.locator("[data-testid=total-2]").inner_text() == "Rp300.000"
    assert page.locator("[data-testid=total-3]").inner_text() == "Rp105.000"
    page.check("[data-testid=class-2]")
    next_step(page)
    page.fill("[data-testid=email]", "siti@contoh.id")
    next_step(page)
    page.fill("[data-testid=code]", last_code("siti@contoh.id"))
    next_step(page)
    page.check("[data-testid=consent]")
    next_step(page)

    # The first payment's VA is shown (and e-mailed), valid 30 days.
    family = FamilyCard.objects.get(number=new_family.kk_number)
    assert page.locator("[data-testid=va]").inner_text() == family.virtual_account
    assert page.locator("[data-testid=amount]").inner_text() == "Rp300.000"
    assert page.locator("[data-testid=state]").inner_text() == "Menunggu pembayaran pertama"
    delivered()
    assert family.virtual_account in mail.outbox[-1].body
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways at phone width"
    page.screenshot(path=str(screenshots_dir() / "pendaftaran-va.png"), full_page=True)

    # The bank's signed notification of the first payment.
    channel = PaymentChannelFactory.create(code="BANK_UJI")
    message = signed(
        channel, notification_body(virtual_account=family.virtual_account, amount=300_000)
    )
    answer = requests.post(
        f"{site}/api/v1/payments/notifications/",
        data=message.body,
        headers={"Content-Type": "application/json", **message.headers},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    reactivate(Reactivation.objects.get(family=family).pk)

    page.reload()
    assert page.locator("[data-testid=state]").get_attribute("data-state") == "PAID"
    assert page.locator("[data-testid=state]").inner_text() == "Sudah dibayar: keluarga AKTIF"
    assert set(
        Participant.objects.filter(memberships__family=family).values_list("status", flat=True)
    ) == {"AKTIF"}


def log_in(page: Any, site: str, nik: str) -> None:
    page.goto(f"{site}/masuk/")
    page.fill("#id_username", nik)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[data-testid=login-submit]")


def test_a_pbpu_family_adds_its_newborn_and_a_pbi_family_is_refused(
    live_server, phone: Any, registry
) -> None:
    site = live_server.url
    today = timezone.localdate()
    family, head = make_family(2, paid_through=today.replace(day=1))
    page = phone
    log_in(page, site, head.nik)
    with page.expect_navigation():
        page.click("[data-testid=add-member]")
    page.select_option("#id_relationship", "ANAK")
    page.fill("#id_birth_certificate_number", "AL-3174-0042")
    page.fill("#id_name", "Bayi Putri")
    born = today - dt.timedelta(days=3)
    page.fill("#id_birth_date", born.isoformat())
    page.select_option("#id_sex", "P")
    with page.expect_navigation():
        page.click("[data-testid=add-member-submit]")
    baby = Participant.objects.get(name="Bayi Putri")
    assert page.locator("[data-testid=card]").inner_text() == baby.card_number
    assert page.locator("[data-testid=status]").inner_text() == "TIDAK AKTIF"
    assert page.locator("[data-testid=va]").inner_text() == family.virtual_account
    # Covered from birth: class III Rp35.000 for each month from the month of birth.
    months = 1 if born.month == today.month else 2
    assert page.locator("[data-testid=amount]").inner_text() == rupiah(35_000 * months)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A PBI APBD family is told to ask Dinas Sosial, and nothing is registered.
    page.context.clear_cookies()
    _pbi, pbi_head = make_family(2, segment=Segment.objects.get(code="PBI_APBD"))
    log_in(page, site, pbi_head.nik)
    page.goto(f"{site}/info-peserta/tambah-anggota/")
    page.select_option("#id_relationship", "PASANGAN")
    page.fill("#id_nik", "3174054703870001")
    page.fill("#id_name", "Dewi Lestari")
    page.fill("#id_birth_date", "1987-03-07")
    page.select_option("#id_sex", "P")
    before = Participant.objects.count()
    with page.expect_navigation():
        page.click("[data-testid=add-member-submit]")
    assert "Dinas Sosial" in page.locator("[data-testid=error]").inner_text()
    assert Participant.objects.count() == before
