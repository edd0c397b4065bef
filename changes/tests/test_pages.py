"""The Ubah Data pages (Bahasa Indonesia first): forms, refusals shown as form errors with
nothing changed, the confirm page, cancel, and the member's history page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from changes.models import DataChange
from changes.rules import first_of_next_month
from changes.services import scheduled_changes_apply
from participants.factories import FacilityFactory
from participants.models import Participant

from .conftest import PIN, family_with_login, last_code, members

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def text(response) -> str:  # type: ignore[no-untyped-def]
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


@pytest.fixture
def logged_in(client):  # type: ignore[no-untyped-def]
    family, head = family_with_login(2, paid_through=TODAY.replace(day=1))
    client.force_login(head.user)
    return client, family, head


def test_fktp_page_schedules_after_code_and_pin_and_the_member_page_shows_it(logged_in):
    client, family, head = logged_in
    new = FacilityFactory(district=family.district, name="Klinik Pratama Melati")
    page = client.get("/ubah-data/fktp/")
    assert "Klinik Pratama Melati" in text(page)
    sent = client.post(
        "/ubah-data/fktp/",
        {"card_number": head.card_number, "facility_code": new.code, "whole_family": "on"},
    )
    assert sent.status_code == 302
    confirm_url = sent["Location"]
    wrong = client.post(confirm_url, {"code": "000000", "pin": PIN})
    assert wrong.status_code == 200
    assert "Kode salah" in text(wrong)
    assert DataChange.objects.filter(state="PENDING").count() == 2
    done = client.post(confirm_url, {"code": last_code(head.user.account.email), "pin": PIN})
    assert done["Location"] == "/ubah-data/"
    index = client.get("/ubah-data/")
    assert text(index).count("dijadwalkan") >= 2
    assert "Klinik Pratama Melati" in text(index)

    cancelled = client.post(f"/ubah-data/{DataChange.objects.first().request_id}/batal/")
    assert cancelled.status_code == 302
    assert set(DataChange.objects.values_list("state", flat=True)) == {"CANCELLED"}
    scheduled_changes_apply(on=first_of_next_month(TODAY))
    assert {p.fktp_id for p in members(family)} != {new.pk}

    detail = client.get(f"/info-peserta/{head.card_number}/")
    assert "Klinik Pratama Melati" in text(detail)
    assert "dibatalkan" in text(detail)


def test_a_refused_change_is_a_form_error_naming_the_rule_and_the_day(logged_in):
    client, family, head = logged_in
    new = FacilityFactory(district=family.district)
    Participant.objects.filter(pk=head.pk).update(coverage_start=TODAY - timedelta(days=10))
    page = client.post(
        "/ubah-data/fktp/", {"card_number": head.card_number, "facility_code": new.code}
    )
    assert page.status_code == 200
    shown = text(page)
    assert "3 bulan" in shown or "90 hari" in shown
    possible = TODAY + timedelta(days=80)
    assert str(possible.year) in shown and str(possible.day) in shown
    assert DataChange.objects.count() == 0


def test_segment_page_offers_members_and_refuses_bad_account_numbers(logged_in):
    client, family, head = logged_in
    page = client.post(
        "/ubah-data/segmen/",
        {
            "card_numbers": [head.card_number],
            "care_class": "3",
            "bank": "BRI",
            "account_number": "12",
            "account_holder": "A",
            "consent": "on",
        },
    )
    assert page.status_code == 200
    assert "8 sampai 20 digit" in text(page) or "8 to 20 digits" in text(page)
    already = client.post(
        "/ubah-data/segmen/",
        {
            "card_numbers": [head.card_number],
            "care_class": "3",
            "bank": "BRI",
            "account_number": "1234567890",
            "account_holder": "A",
            "consent": "on",
        },
    )
    assert already.status_code == 200
    assert "PBPU" in text(already)
    assert DataChange.objects.count() == 0


def test_class_page_shows_the_new_iuran_per_member_and_family_before_confirming(logged_in):
    client, family, head = logged_in
    page = client.get("/ubah-data/kelas/?care_class=2")
    assert "Rp100.000" in text(page) and "Rp200.000" in text(page)
    sent = client.post("/ubah-data/kelas/", {"care_class": "2"})
    assert sent.status_code == 302
    done = client.post(sent["Location"], {"pin": PIN})
    assert done.status_code == 302
    assert set(DataChange.objects.values_list("state", "effective_on")) == {
        ("SCHEDULED", first_of_next_month(TODAY))
    }


def test_address_page_walks_province_regency_district(logged_in):
    client, family, head = logged_in
    page = client.get("/ubah-data/alamat/?province=31&regency=3174")
    assert "Tebet" in text(page)
    sent = client.post(
        "/ubah-data/alamat/",
        {"province": "31", "regency": "3174", "district": "317401", "address": "Jl. Kenanga 1"},
    )
    assert sent.status_code == 302
    assert client.post(sent["Location"], {"pin": PIN}).status_code == 302
    assert head.mailing_address.district_id == "317401"
