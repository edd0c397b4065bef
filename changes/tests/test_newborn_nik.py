"""A newborn's NIK, once Dukcapil has issued it, checked against the registry (a real HTTP
process) before it is applied; the only NIK a participant may change."""

import datetime as dt

import pytest
from django.utils import timezone

from changes.models import DataChange
from dukcapil_sync.tests.conftest import add_member, new_nik
from participants.models import Participant
from tests.conftest import bearer

from .conftest import family_with_login

pytestmark = pytest.mark.django_db
BORN = timezone.localdate() - dt.timedelta(days=40)


@pytest.fixture
def newborn_family():  # type: ignore[no-untyped-def]
    family, head = family_with_login(2, paid_through=timezone.localdate().replace(day=1))
    baby = add_member(family, name="Bayi Uji", birth_date=BORN, sex="P", nik=None)
    return family, head, baby


def listed(registry, family, nik: str, **person) -> None:  # type: ignore[no-untyped-def]
    """The family on the registry's KK, with the baby's NIK as a child."""
    registry.mirror(family)
    members = [
        [p.nik, m.relationship]
        for m in family.memberships.filter(valid_to__isnull=True).select_related("participant")
        if (p := m.participant).nik
    ]
    registry.control(
        {
            "action": "upsert_person",
            "nik": nik,
            "name": "BAYI UJI",
            "birth_place": "JAKARTA",
            "birth_date": person.get("birth_date", BORN),
            "sex": "P",
            "address": family.address,
        },
        {
            "action": "upsert_family",
            "kk_number": family.number,
            "address": family.address,
            "district_code": family.number[:6],
            "members": [*members, [nik, "ANAK"]],
            "valid_from": dt.date(2020, 1, 1),
        },
    )


def test_the_newborns_nik_from_dukcapil_is_applied_and_audited(registry, newborn_family):
    family, head, baby = newborn_family
    nik = new_nik(birth_date=BORN, sex="P")
    listed(registry, family, nik)
    answer = bearer(head.user).post(
        "/api/v1/me/changes/nik/", {"card_number": baby.card_number, "nik": nik}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    assert [c["state"] for c in answer.json()["changes"]] == ["APPLIED"]
    baby.refresh_from_db()
    assert baby.nik == nik
    assert DataChange.objects.get().new_value == {"nik": nik}
    assert baby.history.first().history_user == head.user


def test_a_nik_dukcapil_does_not_list_on_the_kk_is_refused_and_nothing_changes(
    registry, newborn_family
):
    family, head, baby = newborn_family
    nik = new_nik(birth_date=BORN, sex="P")
    registry.mirror(family)  # the baby is not on the registry's KK yet
    answer = bearer(head.user).post(
        "/api/v1/me/changes/nik/", {"card_number": baby.card_number, "nik": nik}, format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (409, "NIK_NOT_AT_DUKCAPIL")
    assert Participant.objects.get(pk=baby.pk).nik is None
    assert DataChange.objects.count() == 0


def test_a_nik_that_does_not_fit_the_birth_date_or_an_adults_nik_is_refused(
    registry, newborn_family
):
    family, head, baby = newborn_family
    api = bearer(head.user)
    wrong_day = new_nik(birth_date=BORN - dt.timedelta(days=1), sex="P")
    answer = api.post(
        "/api/v1/me/changes/nik/",
        {"card_number": baby.card_number, "nik": wrong_day},
        format="json",
    )
    assert answer.status_code == 400 and "nik" in answer.json()["fields"]
    adult = api.post(
        "/api/v1/me/changes/nik/",
        {"card_number": head.card_number, "nik": wrong_day},
        format="json",
    )
    assert (adult.status_code, adult.json()["code"]) == (409, "NIK_NOT_NEWBORN")


def test_dukcapil_down_says_so_and_changes_nothing(registry, newborn_family):
    family, head, baby = newborn_family
    registry.faults(outage=True)
    answer = bearer(head.user).post(
        "/api/v1/me/changes/nik/",
        {"card_number": baby.card_number, "nik": new_nik(birth_date=BORN, sex="P")},
        format="json",
    )
    assert (answer.status_code, answer.json()["code"]) == (503, "REGISTRY_UNAVAILABLE")
    assert Participant.objects.get(pk=baby.pk).nik is None
