"""The demo families of issue 8 show on Info Peserta what the README's demo table says."""

import pytest
from django.test import Client
from django.urls import reverse

from core.factories import DEMO_PASSWORD
from demo.identities import HEAD_NIK
from demo.seed import seed_demo

pytestmark = pytest.mark.django_db

FAMILY = reverse("families:family")


@pytest.fixture
def demo() -> None:
    seed_demo(log=lambda _msg: None)


def family_page(client: Client, nik: str) -> str:
    assert client.post(reverse("login"), {"username": nik, "password": DEMO_PASSWORD}).status_code
    response = client.get(FAMILY)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("nik", "shown"),
    [
        # A paid newborn without NIK: AKTIF with the note, no PENANGGUHAN for it.
        (HEAD_NIK, ['data-code="NIK_NOT_ISSUED"', "NIK belum terbit"]),
        # Mixed KK: PBPU class III parents owe this month, 2 x Rp35.000; the PBI child is
        # paid by the government and not on their bill.
        (
            "3174011205790071",
            ['data-reason="PAYMENT_DUE"', "Rp70.000", "Aktif. Iuran dibayar oleh pemerintah."],
        ),
        # New registrant: TIDAK AKTIF until the first payment, 2 x Rp150.000 and the VA.
        (
            "3174021402940072",
            ['data-reason="AWAITING_FIRST_PAYMENT"', "Rp300.000", "8888821504210010"],
        ),
        # Reactivated late last month, this month due: the due payment and the denda note.
        (
            "3174030112770073",
            [
                'data-reason="PAYMENT_DUE"',
                'data-code="REACTIVATION_PENALTY"',
                'data-testid="penalty-badge"',
                "Rp200.000",
            ],
        ),
    ],
)
def test_a_new_demo_family_shows_its_case(demo, client: Client, nik: str, shown: list[str]):
    page = family_page(client, nik)
    for fragment in shown:
        assert fragment in page
