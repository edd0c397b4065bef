"""FKTP and class changes through the API: rules at their boundaries, scheduled for the 1st,
cancelled before, applied once by the job even when run twice or cut off mid-run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from changes.models import DataChange, FacilityCapacity
from changes.rules import first_of_next_month
from changes.services import scheduled_changes_apply
from core.models import JobRun
from participants.factories import FacilityFactory
from participants.models import Participant
from tests.conftest import bearer

from .conftest import PIN, ask_fktp, family_with_login, last_code, members, scheduled_fktp

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NEXT = first_of_next_month(TODAY)


def _fktp_for(family):  # type: ignore[no-untyped-def]
    return FacilityFactory(district=family.district, branch=family.branch, name="Klinik Sehat")


def test_whole_family_fktp_change_is_scheduled_confirmed_with_code_and_pin_then_applied_once(
    family_a, client_a
):
    family, head = family_a
    new = _fktp_for(family)
    old_fktps = {p.pk: p.fktp_id for p in members(family)}

    options = client_a.get("/api/v1/me/changes/facilities/").json()
    assert {"code": new.code, "name": "Klinik Sehat", "area": "kecamatan"}.items() <= next(
        o for o in options if o["code"] == new.code
    ).items()

    answer = client_a.post(
        "/api/v1/me/changes/fktp/",
        {"card_number": head.card_number, "facility_code": new.code, "whole_family": True},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["needs_code"], body["needs_pin"]) == (True, True)
    assert len(body["changes"]) == 3
    code = last_code(head.user.account.email)

    wrong_pin = client_a.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": code, "pin": "135799"},
        format="json",
    )
    assert wrong_pin.status_code == 400
    assert wrong_pin.json()["code"] == "PIN_WRONG"
    assert DataChange.objects.filter(state="PENDING").count() == 3

    done = client_a.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/",
        {"code": code, "pin": PIN},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert [c["state"] for c in done.json()] == ["SCHEDULED"] * 3
    assert {c["effective_on"] for c in done.json()} == {NEXT.isoformat()}
    # Nothing changes before the 1st.
    assert {p.pk: p.fktp_id for p in members(family)} == old_fktps
    scheduled_changes_apply(on=TODAY)
    assert {p.pk: p.fktp_id for p in members(family)} == old_fktps

    scheduled_changes_apply(on=NEXT)
    again = scheduled_changes_apply(on=NEXT)
    assert again.done == 0
    assert {p.fktp_id for p in members(family)} == {new.pk}
    assert DataChange.objects.filter(state="APPLIED").count() == 3
    # One audited history row per member naming the change.
    for p in members(family):
        rows = p.history.filter(fktp_id=new.pk)
        assert rows.count() == 1
        assert "Klinik Sehat" in rows.get().history_change_reason
    listing = client_a.get("/api/v1/me/changes/").json()["results"]
    assert {(c["state"], c["to_value"]) for c in listing} == {("APPLIED", "Klinik Sehat")}


def test_a_job_cut_off_mid_run_leaves_the_rest_scheduled_and_the_next_run_applies_each_once(
    family_a, client_a
):
    family, head = family_a
    new = _fktp_for(family)
    scheduled_fktp(client_a, head, new, whole_family=True)
    first = scheduled_changes_apply(on=NEXT, limit=1)  # stands for a worker killed after one
    assert (first.done, first.total) == (1, 3)
    assert DataChange.objects.filter(state="SCHEDULED").count() == 2
    second = scheduled_changes_apply(on=NEXT)
    assert second.done == 2
    assert {p.fktp_id for p in members(family)} == {new.pk}
    assert sum(p.history.filter(fktp_id=new.pk).count() for p in members(family)) == 3
    assert JobRun.objects.filter(name="data_changes_apply", state="DONE").count() == 2


def test_a_scheduled_change_can_be_cancelled_before_the_1st_and_is_then_never_applied(
    family_a, client_a
):
    family, head = family_a
    old = head.fktp_id
    new = _fktp_for(family)
    body = scheduled_fktp(client_a, head, new)
    cancelled = client_a.post(f"/api/v1/me/changes/{body['request_id']}/cancel/")
    assert cancelled.status_code == 200
    assert [c["state"] for c in cancelled.json()] == ["CANCELLED"]
    again = client_a.post(f"/api/v1/me/changes/{body['request_id']}/cancel/")
    assert (again.status_code, again.json()["code"]) == (409, "NOTHING_TO_CANCEL")
    scheduled_changes_apply(on=NEXT)
    head.refresh_from_db()
    assert head.fktp_id == old


def test_fktp_day_89_refused_with_the_rule_and_date_then_day_90_allowed(family_a, client_a):
    family, head = family_a
    new = _fktp_for(family)
    Participant.objects.filter(pk=head.pk).update(coverage_start=TODAY - timedelta(days=89))
    refused = ask_fktp(client_a, head, new)
    assert refused.status_code == 409
    assert refused.json()["code"] == "FKTP_TOO_SOON"
    possible = TODAY + timedelta(days=1)
    assert str(possible.year) in refused.json()["message"]
    assert DataChange.objects.count() == 0
    Participant.objects.filter(pk=head.pk).update(coverage_start=TODAY - timedelta(days=90))
    allowed = ask_fktp(client_a, head, new)
    assert allowed.status_code == 201


def test_the_three_months_count_from_the_last_fktp_change(family_a, client_a):
    family, head = family_a
    first, second = _fktp_for(family), FacilityFactory(district=family.district)
    scheduled_fktp(client_a, head, first)
    scheduled_changes_apply(on=NEXT)
    refused = ask_fktp(client_a, head, second)
    assert (refused.status_code, refused.json()["code"]) == (409, "FKTP_TOO_SOON")


def test_a_full_fktp_is_not_offered_and_is_refused(family_a, client_a):
    family, head = family_a
    full = _fktp_for(family)
    FacilityCapacity.objects.create(facility=full, is_full=True)
    codes = {o["code"] for o in client_a.get("/api/v1/me/changes/facilities/").json()}
    assert full.code not in codes
    refused = ask_fktp(client_a, head, full)
    assert (refused.status_code, refused.json()["code"]) == (409, "FKTP_FULL")


def test_pd_pemda_may_not_change_fktp():
    family, head = family_with_login(2, segment_id="PBI_APBD")
    client = bearer(head.user)
    new = _fktp_for(family)
    refused = ask_fktp(client, head, new)
    assert (refused.status_code, refused.json()["code"]) == (409, "FKTP_SEGMENT_NOT_ALLOWED")


def test_class_change_quotes_the_new_iuran_and_the_bill_of_next_month_uses_it(family_a, client_a):
    from payments.models import Bill
    from payments.services import family_bills_ensure

    family, head = family_a
    quote = client_a.get("/api/v1/me/changes/class/quote/?care_class=1").json()
    assert [m["amount"] for m in quote["members"]] == [150000, 150000, 150000]
    assert (quote["family_total"], quote["family_total_text"]) == (450000, "Rp450.000")

    body = client_a.post("/api/v1/me/changes/class/", {"care_class": 1}, format="json").json()
    assert (body["needs_code"], body["needs_pin"]) == (False, True)
    done = client_a.post(
        f"/api/v1/me/changes/{body['request_id']}/confirm/", {"pin": PIN}, format="json"
    ).json()
    assert {c["state"] for c in done} == {"SCHEDULED"}
    scheduled_changes_apply(on=NEXT)
    assert {p.care_class for p in members(family)} == {1}
    assert {p.status for p in members(family)} == {"AKTIF"}
    family_bills_ensure(family=family, on=NEXT)
    bill = Bill.objects.get(family=family, month=NEXT)
    assert bill.amount == 450000


def test_class_day_364_refused_and_arrears_refused(family_a, client_a):
    family, _head = family_a
    ids = [p.pk for p in members(family)]
    Participant.objects.filter(pk__in=ids).update(coverage_start=TODAY - timedelta(days=364))
    refused = client_a.post("/api/v1/me/changes/class/", {"care_class": 1}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "CLASS_TOO_SOON")
    Participant.objects.filter(pk__in=ids).update(coverage_start=TODAY - timedelta(days=365))
    month_before_last = (TODAY.replace(day=1) - timedelta(days=32)).replace(day=1)
    Participant.objects.filter(pk__in=ids).update(paid_through=month_before_last)
    refused = client_a.post("/api/v1/me/changes/class/", {"care_class": 1}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "CLASS_ARREARS")
    Participant.objects.filter(pk__in=ids).update(paid_through=TODAY.replace(day=1))
    assert (
        client_a.post("/api/v1/me/changes/class/", {"care_class": 1}, format="json").status_code
        == 201
    )
    assert DataChange.objects.filter(kind="CARE_CLASS").count() == 3


def test_whole_family_leaves_out_a_member_too_new_at_their_fktp_and_says_why(family_a, client_a):
    family, head = family_a
    new = _fktp_for(family)
    baby = members(family)[-1]
    Participant.objects.filter(pk=baby.pk).update(coverage_start=TODAY - timedelta(days=30))
    body = client_a.post(
        "/api/v1/me/changes/fktp/",
        {"card_number": head.card_number, "facility_code": new.code, "whole_family": True},
        format="json",
    ).json()
    assert len(body["changes"]) == 2
    assert [(s["card_number"], s["code"]) for s in body["skipped"]] == [
        (baby.card_number, "FKTP_TOO_SOON")
    ]
    assert body["skipped"][0]["possible_from"] == (TODAY + timedelta(days=60)).isoformat()


def test_the_command_runs_the_job_and_says_how_many(family_a, client_a):
    from io import StringIO

    from django.core.management import call_command

    family, head = family_a
    new = _fktp_for(family)
    scheduled_fktp(client_a, head, new)
    out = StringIO()
    call_command("apply_data_changes", "--date", NEXT.isoformat(), stdout=out)
    assert out.getvalue().strip() == f"data changes applied: 1 of 1 due by {NEXT}"
    head.refresh_from_db()
    assert head.fktp_id == new.pk


def test_in_a_mixed_family_only_the_pbpu_members_change_class_and_a_pbi_family_is_refused():
    family, head = family_with_login(3, paid_through=TODAY.replace(day=1))
    pbi = members(family)[-1]
    Participant.objects.filter(pk=pbi.pk).update(segment_id="PBI_APBN", paid_through=None)
    client = bearer(head.user)
    body = client.post("/api/v1/me/changes/class/", {"care_class": 2}, format="json").json()
    assert {c["card_number"] for c in body["changes"]} == {
        p.card_number for p in members(family) if p.pk != pbi.pk
    }
    pbi_family, pbi_head = family_with_login(2, segment_id="PBI_APBN", paid_through=None)
    refused = bearer(pbi_head.user).post(
        "/api/v1/me/changes/class/", {"care_class": 2}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "CLASS_SEGMENT_NOT_ALLOWED")
