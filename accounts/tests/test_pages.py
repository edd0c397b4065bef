"""The account pages (Bahasa Indonesia): each refusal is a form error on the page and
changes nothing; limits answer 429 with Retry-After."""

from datetime import date, timedelta

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone

from accounts.factories import participant_with_account
from accounts.models import Account, OneTimeCode
from core.factories import DEMO_PASSWORD
from core.models import User
from messaging.models import Message

from .helpers import code_in_last_email, deliver_all

pytestmark = pytest.mark.django_db

PASSWORD = "Kopi-Susu-77!"


def identify_page(client, identifier, birth_date, url="/daftar-akun/", captcha_ok=True):
    page = client.get(url).content.decode()
    key = page.split('name="captcha_0" value="', 1)[1].split('"', 1)[0]
    answer = CaptchaStore.objects.get(hashkey=key).response if captcha_ok else "999"
    return client.post(
        url,
        {
            "identifier": identifier,
            "birth_date": birth_date.isoformat(),
            "captcha_0": key,
            "captcha_1": answer,
        },
    )


def details(client, email="budi@contoh.id", password=PASSWORD, password2=None):
    return client.post(
        "/daftar-akun/data/",
        {
            "confirm": "on",
            "email": email,
            "phone": "081234567890",
            "password": password,
            "password2": password2 or password,
            "channel": "EMAIL",
        },
    )


def test_whole_signup_on_the_pages(client, participant):
    response = identify_page(client, participant.card_number, participant.birth_date)
    assert response["Location"] == "/daftar-akun/data/"
    page = client.get("/daftar-akun/data/").content.decode()
    assert "Aturan kata sandi" in page and "huruf besar dan huruf kecil" in page
    assert details(client)["Location"] == "/daftar-akun/kode/"
    deliver_all()
    page = client.get("/daftar-akun/kode/").content.decode()
    assert "bu***@contoh.id" in page
    response = client.post("/daftar-akun/kode/", {"code": code_in_last_email("budi@contoh.id")})
    assert response["Location"] == "/daftar-akun/selesai/"
    assert participant.card_number in client.get("/daftar-akun/selesai/").content.decode()
    assert User.objects.filter(username=participant.nik).exists()


def test_wrong_birth_date_on_the_page(client, participant):
    response = identify_page(client, participant.nik, date(1999, 9, 9))
    assert response.status_code == 200
    assert "Tanggal lahir tidak sesuai dengan data kami." in response.content.decode()


def test_failed_bot_check_on_the_page(client, participant):
    response = identify_page(client, participant.nik, participant.birth_date, captcha_ok=False)
    assert response.status_code == 200
    assert "Jawaban cek robot salah" in response.content.decode()
    assert "accounts.signup.identity" not in client.session


def test_not_a_participant_on_the_page(client):
    response = identify_page(client, "3174014107900002", date(1990, 7, 1))
    page = response.content.decode()
    assert 'data-testid="not-participant"' in page
    assert "Care Center 165" in page and "PANDAWA" in page


def test_account_exists_on_the_page_links_login_and_reset(client):
    existing = participant_with_account(email="siti.rahma@contoh.id")
    page = identify_page(client, existing.nik, existing.birth_date).content.decode()
    assert "NIK sudah terdaftar" in page
    assert 'href="/lupa-password/"' in page and 'href="/masuk/"' in page
    assert "si********@contoh.id" in page and "siti.rahma@" not in page


def test_weak_or_mismatched_password_is_a_field_error(client, participant):
    identify_page(client, participant.nik, participant.birth_date)
    page = details(client, password="kopisusu").content.decode()
    assert "Kata sandi perlu huruf besar, angka, simbol seperti ! @ # -." in page
    page = details(client, password2="Kopi-Susu-78!").content.decode()
    assert "Kedua kata sandi tidak sama." in page
    assert Message.objects.count() == 0


def test_expired_and_reused_code_on_the_page(client, participant):
    identify_page(client, participant.nik, participant.birth_date)
    details(client)
    deliver_all()
    code = code_in_last_email("budi@contoh.id")
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = client.post("/daftar-akun/kode/", {"code": code}).content.decode()
    assert "Kode ini sudah kedaluwarsa. Minta kode baru." in page
    assert not Account.objects.exists()


def test_resend_limit_on_the_page(client, participant):
    identify_page(client, participant.nik, participant.birth_date)
    details(client)
    statuses = [client.post("/daftar-akun/kode/", {"resend": "1"}) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert "Kode baru sudah dikirim ke" in statuses[0].content.decode()
    assert "Terlalu banyak kode dikirim" in statuses[2].content.decode()
    assert int(statuses[2]["Retry-After"]) > 0
    assert Message.objects.count() == 3


def test_identify_page_is_rate_limited_per_ip(client, participant, settings):
    settings.ACCOUNTS_IDENTIFY_RATE = "2/15m"
    identify_page(client, participant.nik, date(1999, 9, 9))
    identify_page(client, participant.nik, date(1999, 9, 8))
    response = identify_page(client, participant.nik, participant.birth_date)
    assert response.status_code == 429
    assert "Terlalu banyak pengecekan dari alamat ini" in response.content.decode()


def test_first_login_prompts_for_the_pin_until_it_is_set(client):
    member = participant_with_account(email="andi@contoh.id")
    client.post("/masuk/", {"username": member.nik, "password": DEMO_PASSWORD})
    assert 'data-testid="pin-prompt"' in client.get("/akun/").content.decode()
    response = client.post("/akun/pin/", {"pin": "190845", "pin2": "190845"})
    assert response["Location"] == "/info-peserta/"
    assert 'data-testid="pin-prompt"' not in client.get("/akun/").content.decode()


def test_account_pages_need_a_participant_login(client):
    assert client.get("/akun/")["Location"].startswith("/masuk/")
    assert client.get("/akun/pin/")["Location"].startswith("/masuk/")


def test_account_page_ends_another_session_and_a_token_but_not_someone_elses(client):
    from django.test import Client
    from knox.models import AuthToken

    from accounts.models import SessionRecord

    member = participant_with_account(email="andi@contoh.id")
    other = participant_with_account(email="lain@contoh.id")
    laptop, phone, intruder = client, Client(), Client()
    for browser, who in ((laptop, member), (phone, member), (intruder, other)):
        browser.post("/masuk/", {"username": who.nik, "password": DEMO_PASSWORD})
    AuthToken.objects.create(member.user)
    token_key = AuthToken.objects.get(user=member.user).token_key
    phone_session = SessionRecord.objects.filter(user=member.user).order_by("-id").first()

    page = laptop.get("/akun/").content.decode()
    assert page.count('data-testid="session"') == 2
    assert page.count('data-testid="session-end"') == 1  # not the one in use
    assert token_key in page

    # Another participant cannot end them: not found, nothing changes.
    assert intruder.post(f"/akun/sesi/{phone_session.pk}/akhiri/").status_code == 404
    assert intruder.post(f"/akun/token/{token_key}/cabut/").status_code == 404
    assert phone.get("/akun/").status_code == 200

    laptop.post(f"/akun/sesi/{phone_session.pk}/akhiri/")
    laptop.post(f"/akun/token/{token_key}/cabut/")
    assert phone.get("/akun/")["Location"].startswith("/masuk/")
    assert not AuthToken.objects.filter(user=member.user).exists()
    assert laptop.get("/akun/").status_code == 200


def test_signup_page_in_english_when_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/daftar-akun/"})
    page = client.get("/daftar-akun/").content.decode()
    assert "Create an account" in page
    assert "Bot check: type the result of the calculation in the picture" in page
