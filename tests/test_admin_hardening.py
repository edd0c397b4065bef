"""What staff see in the admin, and the site's own error pages (issue 7 point 20)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.factories import BranchOfficeFactory
from families.factories import family_with_members
from participants.models import Participant
from tests.test_admin import change_url, correction, members, snapshot, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(client: Client) -> Participant:
    """A participant of the branch of the staff member logged in on `client`."""
    branch = BranchOfficeFactory.create()
    client.force_login(staff_of(branch))
    return members(family_with_members(size=2, branch=branch))[0]


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.mark.parametrize("phone", ["abc", "12345", "0812", "+1 202 555 0100"])
def test_a_phone_number_that_is_not_indonesian_is_a_field_error(client, p, phone):
    before = snapshot(p)

    response = client.post(change_url(p), correction(p, phone=phone, change_reason="telepon"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["phone"] == [
        "Tulis nomor telepon Indonesia, mis. 0812-3456-7890 atau +62 812 3456 7890."
    ]
    assert snapshot(p) == before


def test_an_indonesian_phone_number_is_saved_in_one_form(client, p):

    client.post(change_url(p), correction(p, phone="+62 812-3456-7890", change_reason="telepon"))

    p.refresh_from_db()
    assert p.phone == "081234567890"


def test_class_7_is_a_readable_field_error_not_a_constraint_name(client, p):
    before = snapshot(p)

    response = client.post(change_url(p), correction(p, care_class=7, change_reason="kelas"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["care_class"] == ["Kelas 1, 2 atau 3."]
    assert "care_class_1_to_3" not in response.content.decode()
    assert snapshot(p) == before


def test_salary_is_shown_and_typed_with_thousand_dots(client, p):
    p.salary = 9_500_000
    p.save(update_fields=["salary"])

    page = client.get(change_url(p)).content.decode()
    assert re.search(r'name="salary" value="9\.500\.000"', page)
    assert 'type="number" name="salary"' not in page

    client.post(change_url(p), correction(p, salary="12.000.000", change_reason="gaji naik"))
    p.refresh_from_db()
    assert p.salary == 12_000_000


def test_the_change_page_speaks_indonesian_and_has_no_link_to_a_404(client, p):

    page = text(client.get(change_url(p)))

    assert "Lihat situs" not in page
    for english in ("Salary:", "User:", "Coverage end reason:"):
        assert english not in page
    assert "Gaji (Rp):" in page
    assert "Akun login:" in page


def test_field_history_never_shows_none(client, p):
    client.post(change_url(p), correction(p, name="Nama Baru", change_reason="salah ketik"))

    page = text(client.get(reverse("admin:participants_participant_history", args=[p.pk])))

    assert "None" not in page
    assert "sistem" in page  # the row the factory wrote has no user
    assert "salah ketik" in page


@pytest.mark.parametrize(("language", "heading"), [("id", "Tidak ditemukan"), ("en", "Not found")])
def test_not_found_is_the_sites_own_page_in_both_languages(client, language, heading):
    client.cookies["django_language"] = language

    response = client.get("/tidak-ada-halaman-ini/")

    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "URLconf" not in page and "urlpatterns" not in page


@pytest.mark.parametrize(
    ("language", "heading"),
    [("id", "Terjadi kesalahan"), ("en", "Something went wrong")],
)
def test_a_server_error_is_the_sites_own_page_in_both_languages(
    client, monkeypatch, language, heading
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("core.views.LoginView.get", broken)
    client.raise_request_exception = False
    client.cookies["django_language"] = language

    response = client.get("/masuk/")

    assert response.status_code == 500
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "Traceback" not in page
