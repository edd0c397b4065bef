"""Segment change to PBPU (the remedy of SEGMENT_ENDED and PBI_DELISTED), end to end through
the API: rules, code, the VA and amount of this month, waiting for the first payment, paying."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from changes.models import AutodebitConsent, DataChange
from core.factories import StaffUserFactory
from core.models import STAFF_GROUP_NAME
from participants.models import Cause, Participant, StatusChange
from payments.models import Bill, Reactivation
from payments.services import payment_simulate
from payments.tasks import reactivate
from tests.conftest import bearer

from .conftest import family_with_login, last_code, members

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)


def staff(**kw):  # type: ignore[no-untyped-def]
    user = StaffUserFactory(**kw)
    user.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    return user


def ended_ppu_family(size: int = 3, **kw):  # type: ignore[no-untyped-def]
    return family_with_login(
        size,
        segment_id="PPU_BU",
        salary=8_000_000,
        care_class=1,
        coverage_end=kw.pop("coverage_end", LAST_MONTH_END),
        coverage_end_reason="SEGMENT_ENDED",
        **kw,
    )


def request_segment(client, cards, **kw):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/me/changes/segment/",
        {
            "card_numbers": cards,
            "care_class": 3,
            "bank": "BRI",
            "account_number": "002301000123456",
            "account_holder": "Bambang",
            **kw,
        },
        format="json",
    )


def test_ppu_family_whose_job_ended_moves_to_pbpu_gets_va_and_amount_and_is_active_once_paid(
    settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_SIMULATION = True
    family, head = ended_ppu_family()
    for p in members(family):
        from participants.services import participant_refresh_status

        participant_refresh_status(participant=p, cause=Cause.DAILY_RECOMPUTE)
    assert {p.status_reason for p in members(family)} == {"SEGMENT_ENDED"}
    client = bearer(head.user)
    cards = [p.card_number for p in members(family)]

    answer = request_segment(client, cards)
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["needs_code"], body["needs_pin"]) == (True, False)
    assert body["code_sent_to"].endswith("@contoh.id")
    # Nothing changes before the code.
    assert {p.segment_id for p in members(family)} == {"PPU_BU"}

    wrong = client.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/", {"code": "000000"}, format="json"
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "CODE_WRONG")
    assert {p.segment_id for p in members(family)} == {"PPU_BU"}

    done = client.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": last_code(head.user.account.email)},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert {c["state"] for c in done.json()} == {"APPLIED"}
    people = members(family)
    assert {
        (p.segment_id, p.care_class, p.coverage_start, p.coverage_end, p.paid_through)
        for p in people
    } == {("PBPU", 3, TODAY, None, None)}
    assert {(p.status, p.status_reason) for p in people} == {
        ("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT")
    }
    change = StatusChange.objects.filter(participant=head, cause=Cause.DATA_CHANGE).get()
    assert (change.old_reason, change.reason) == ("SEGMENT_ENDED", "AWAITING_FIRST_PAYMENT")
    consent = AutodebitConsent.objects.get()
    assert (consent.bank, consent.account_number) == ("BRI", "002301000123456")

    # The VA and this month's amount at once: 3 x Rp35.000 (class III, participant's part).
    bill = Bill.objects.get(family=family, month=TODAY.replace(day=1))
    assert bill.amount == 105_000
    bills = client.get("/api/v1/me/bills/").json()
    assert family.virtual_account in str(bills)

    with django_capture_on_commit_callbacks(execute=False):
        payment_simulate(family=family, actor=head.user, amount=105_000)
    reactivate(Reactivation.objects.get().pk)
    assert {(p.status, p.paid_through) for p in members(family)} == {
        ("AKTIF", TODAY.replace(day=1))
    }


def test_segment_change_while_still_covered_is_refused_with_the_first_possible_day():
    family, head = ended_ppu_family(coverage_end=TODAY)
    refused = request_segment(bearer(head.user), [head.card_number])
    assert refused.status_code == 409
    assert refused.json()["code"] == "SEGMENT_STILL_ACTIVE"
    tomorrow = TODAY + timedelta(days=1)
    assert str(tomorrow.day) in refused.json()["message"]
    assert head.name in refused.json()["message"]
    assert DataChange.objects.count() == 0


def test_segment_change_refused_while_a_pbpu_member_of_the_family_has_arrears():
    family, head = ended_ppu_family()
    other = members(family)[-1]
    months_ago = (TODAY.replace(day=1) - timedelta(days=70)).replace(day=1)
    Participant.objects.filter(pk=other.pk).update(
        segment_id="PBPU",
        care_class=3,
        coverage_end=None,
        coverage_end_reason="",
        paid_through=months_ago,
    )
    refused = request_segment(bearer(head.user), [head.card_number])
    assert (refused.status_code, refused.json()["code"]) == (409, "SEGMENT_PBPU_ARREARS")


def test_pd_pemda_moves_to_pbpu_only_after_a_year():
    family, head = family_with_login(
        1, segment_id="PBI_APBD", coverage_start=TODAY - timedelta(days=364)
    )
    client = bearer(head.user)
    refused = request_segment(client, [head.card_number])
    assert (refused.status_code, refused.json()["code"]) == (409, "SEGMENT_PD_PEMDA_TOO_SOON")
    Participant.objects.filter(pk=head.pk).update(coverage_start=TODAY - timedelta(days=365))
    assert request_segment(client, [head.card_number]).status_code == 201


def test_bad_input_answers_400_with_field_errors_and_changes_nothing():
    family, head = ended_ppu_family()
    answer = request_segment(
        bearer(head.user), [head.card_number], account_number="12ab", care_class=4
    )
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"account_number", "care_class"}
    assert DataChange.objects.count() == AutodebitConsent.objects.count() == 0


def test_staff_reverse_a_segment_change_with_a_reason_and_only_in_their_branch(
    client, django_capture_on_commit_callbacks
):
    family, head = ended_ppu_family(1)
    api = bearer(head.user)
    body = request_segment(api, [head.card_number]).json()
    api.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": last_code(head.user.account.email)},
        format="json",
    )
    change = DataChange.objects.get()

    stranger = staff()  # another branch
    client.force_login(stranger)
    assert client.get(f"/admin/changes/datachange/{change.pk}/reverse/").status_code == 404
    assert (
        client.post(
            f"/admin/changes/datachange/{change.pk}/reverse/", {"reverse_reason": "x"}
        ).status_code
        == 404
    )

    staff_member = staff(branch=head.branch)
    client.force_login(staff_member)
    listing = client.get("/admin/changes/datachange/")
    assert head.name in listing.content.decode()
    missing = client.post(f"/admin/changes/datachange/{change.pk}/reverse/", {"reverse_reason": ""})
    assert missing.status_code == 200
    head.refresh_from_db()
    assert head.segment_id == "PBPU"
    reversed_ = client.post(
        f"/admin/changes/datachange/{change.pk}/reverse/",
        {"reverse_reason": "Masih bekerja, PHK dibatalkan"},
    )
    assert reversed_.status_code == 302
    head.refresh_from_db()
    change.refresh_from_db()
    assert (head.segment_id, head.care_class, head.coverage_end) == ("PPU_BU", 1, LAST_MONTH_END)
    assert (change.state, change.reversed_by, change.reverse_reason) == (
        "REVERSED",
        staff_member,
        "Masih bekerja, PHK dibatalkan",
    )
    assert head.history.first().history_user == staff_member


def test_a_member_removed_from_the_pbi_list_moves_to_pbpu_and_only_they_are_billed():
    family, head = family_with_login(3, segment_id="PBI_APBN", paid_through=None)
    delisted = members(family)[-1]
    Participant.objects.filter(pk=delisted.pk).update(
        coverage_end=LAST_MONTH_END, coverage_end_reason="PBI_DELISTED"
    )
    client = bearer(head.user)
    body = request_segment(client, [delisted.card_number], care_class=2).json()
    done = client.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": last_code(head.user.account.email)},
        format="json",
    )
    assert done.status_code == 200, done.json()
    delisted.refresh_from_db()
    assert (delisted.segment_id, delisted.care_class, delisted.status_reason) == (
        "PBPU",
        2,
        "AWAITING_FIRST_PAYMENT",
    )
    assert {p.segment_id for p in members(family) if p.pk != delisted.pk} == {"PBI_APBN"}
    bill = Bill.objects.get(family=family, month=TODAY.replace(day=1), payer="FAMILY")
    assert bill.amount == 100_000
    assert list(bill.lines.values_list("participant_id", flat=True)) == [delisted.pk]
