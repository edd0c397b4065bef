"""Participant pages without a browser: login errors, who may see what, logout (DESIGN.md 1)."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from core.factories import DEMO_PASSWORD, FacilityUserFactory, StaffUserFactory
from core.models import User
from demo.identities import HEAD_NIK, card_number
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
FAMILY = reverse("families:family")
LOGOUT = reverse("logout")
WRONG_LOGIN = "NIK, nomor kartu, atau kata sandi salah."


@pytest.fixture
def demo() -> None:
    seed_demo(log=lambda _msg: None)


def login(client: Client, nik: str, password: str = DEMO_PASSWORD):
    return client.post(LOGIN, {"username": nik, "password": password})


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_login_page_renders(client: Client) -> None:
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'data-testid="login-submit"' in response.content.decode()


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("12345", "NIK harus terdiri dari tepat 16 digit angka."),
        ("31740101018OOOO1", "NIK harus terdiri dari tepat 16 digit angka."),
        ("3174 01010180001", "NIK harus terdiri dari tepat 16 digit angka."),
        ("31740101018000011", "NIK harus terdiri dari tepat 16 digit angka."),
        ("3174013501800001", "Tanggal lahir 35 pada NIK tidak mungkin"),
        ("3174013102800001", "Tanggal lahir 310280 pada NIK bukan tanggal yang valid."),
        ("3174010101800000", "Nomor urut NIK dimulai dari 0001."),
    ],
)
def test_malformed_nik_gets_a_field_error_naming_the_problem(
    client: Client, demo: None, nik: str, message: str
) -> None:
    response = login(client, nik)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["username"]
    assert message in errors["username"][0]
    assert message in response.content.decode()
    assert not logged_in(client)


def test_wrong_password_is_refused_with_one_message_for_nik_and_password(
    client: Client, demo: None
) -> None:
    wrong_password = login(client, HEAD_NIK, "not-the-password")
    unknown_nik = login(client, "3174010101800009")

    for response in (wrong_password, unknown_nik):
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == [WRONG_LOGIN]
        assert WRONG_LOGIN in response.content.decode()
    assert not logged_in(client)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": "", "password": ""},
        {"username": HEAD_NIK},
        {"password": DEMO_PASSWORD},
        {"username": "x" * 10_000, "password": "y" * 10_000},
        {"username": "3174010101800001\x00", "password": DEMO_PASSWORD},
        {"username": "' OR 1=1 --", "password": "' OR 1=1 --"},
        {"username": "３１７４０１０１０１８０００01", "password": DEMO_PASSWORD},
        {"username": ["a", "b"], "password": ["c"]},
        {"username": HEAD_NIK, "password": DEMO_PASSWORD, "next": "https://evil.example/"},
    ],
)
def test_odd_login_input_never_fails_with_500(client: Client, demo: None, data: dict) -> None:
    response = client.post(LOGIN, data)

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        # Only the well-formed login succeeds, and never to another site.
        assert response["Location"] == FAMILY
    else:
        assert not logged_in(client)


def test_demo_head_logs_in_and_sees_info_peserta(client: Client, demo: None) -> None:
    response = login(client, HEAD_NIK)

    assert response.status_code == 302
    assert response["Location"] == FAMILY
    page = client.get(FAMILY)
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="member"') == 5


@pytest.mark.parametrize("url", [FAMILY, reverse("families:member", args=[card_number(1, 1)])])
def test_participant_pages_require_login(client: Client, demo: None, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_member_of_own_family_opens_with_history(client: Client, demo: None) -> None:
    login(client, HEAD_NIK)

    response = client.get(reverse("families:member", args=[card_number(1, 4)]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dewi Lestari" in page
    assert 'data-testid="history"' in page


def test_other_familys_member_and_unknown_card_answer_the_same_404(
    client: Client, demo: None
) -> None:
    login(client, HEAD_NIK)

    other_family = client.get(reverse("families:member", args=[card_number(2, 1)]))
    unknown_card = client.get(reverse("families:member", args=["0009999990000"]))
    garbage = client.get(reverse("families:member", args=["<script>"]))

    assert (other_family.status_code, unknown_card.status_code, garbage.status_code) == (
        404,
        404,
        404,
    )
    assert "Rudi Hartono" not in other_family.content.decode()


@pytest.mark.parametrize("factory", [StaffUserFactory, FacilityUserFactory])
def test_login_form_refuses_staff_and_facility_accounts(client: Client, demo: None, factory):
    # Given a staff or facility account whose username even looks like a NIK.
    factory.create(username="3174010101800002")

    response = login(client, "3174010101800002")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Halaman masuk ini khusus untuk peserta. Petugas menggunakan situs admin."
    ]
    assert not logged_in(client)


@pytest.mark.parametrize("username", ["staff_jaksel", "faskes_demo", "admin"])
def test_demo_service_accounts_cannot_log_in_as_participants(
    client: Client, demo: None, username: str
) -> None:
    response = login(client, username)

    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not logged_in(client)


@pytest.mark.parametrize("username", ["staff_jaksel", "faskes_demo"])
def test_staff_session_does_not_open_participant_pages(
    client: Client, demo: None, username: str
) -> None:
    # Given a staff or facility user logged in elsewhere (the admin site, the API).
    client.force_login(User.objects.get(username=username))

    family = client.get(FAMILY)
    member = client.get(reverse("families:member", args=[card_number(1, 1)]))

    assert (family.status_code, member.status_code) == (404, 404)


def test_logout_is_post_only_and_ends_the_session(client: Client, demo: None) -> None:
    login(client, HEAD_NIK)

    assert client.get(LOGOUT).status_code == 405
    assert logged_in(client)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not logged_in(client)
    assert client.get(FAMILY)["Location"] == f"{LOGIN}?next={FAMILY}"


def test_logged_in_participant_visiting_login_goes_to_info_peserta(
    client: Client, demo: None
) -> None:
    login(client, HEAD_NIK)

    response = client.get(LOGIN)

    assert response.status_code == 302
    assert response["Location"] == FAMILY


@pytest.mark.django_db
def test_nik_typed_with_spaces_as_on_the_ktp_is_accepted(client, family_a, password):
    _, head = family_a
    spaced = " ".join(head.nik[i : i + 4] for i in range(0, 16, 4))
    response = client.post(reverse("login"), {"username": spaced, "password": password})
    assert response.status_code == 302
    assert response["Location"] == reverse("families:family")


@pytest.mark.django_db
def test_login_page_locks_after_repeated_failures_and_says_when_to_retry(
    client, family_a, password, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    _, head = family_a
    for _ in range(3):
        client.post(reverse("login"), {"username": head.nik, "password": "salah"})
    response = client.post(reverse("login"), {"username": head.nik, "password": password})
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "15 menit" in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_lockout_is_also_per_ip_address(client, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    from tests.conftest import make_family

    heads = [make_family(1)[1] for _ in range(4)]
    for head in heads[:3]:  # three different accounts from one address
        client.post(reverse("login"), {"username": head.nik, "password": "salah"})
    response = client.post(reverse("login"), {"username": heads[3].nik, "password": DEMO_PASSWORD})
    assert response.status_code == 429
