"""Monthly billing, the month-end switch-off and their jobs (DESIGN.md 4.3, 4.4)."""

from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.factories import region
from core.models import JobRun
from families.factories import FamilyCardFactory, FamilyMembershipFactory, family_with_members
from families.models import Relationship
from participants.factories import ParticipantFactory
from participants.models import Participant, Segment, StatusChange
from payments import jobs
from payments.factories import PaymentChannelFactory
from payments.jobs import billing_run, month_end_run
from payments.models import Bill, BillLine, Payment, Reactivation
from payments.services import payment_credit

pytestmark = pytest.mark.django_db

NOV = date(2026, 11, 1)
DEC = date(2026, 12, 1)


def bill_of(family) -> Bill:
    return Bill.objects.get(family=family)


def lines(bill: Bill) -> list[tuple[str, int, int]]:
    return [(line.kind, line.amount, line.state_subsidy) for line in bill.lines.order_by("id")]


def ppu_family(*, salary: int, children: int = 1, district: str = "317401", spouse=True):
    family = FamilyCardFactory(district=region(district))
    segment = Segment.objects.get(code="PPU_BU")
    people: list[tuple[Relationship, int | None]] = [(Relationship.HEAD, salary)]
    if spouse:
        people.append((Relationship.SPOUSE, None))
    people += [(Relationship.CHILD, None)] * children
    for i, (relationship, pay) in enumerate(people):
        FamilyMembershipFactory(
            family=family,
            participant=ParticipantFactory(
                branch=family.branch,
                fktp__branch=family.branch,
                segment=segment,
                care_class=1,
                salary=pay,
                # Children young enough to be PPU family members (under 21).
                birth_date=date(2008 + i, 1, 1)
                if relationship == Relationship.CHILD
                else date(1980 + i * 3, 1, 1),
                paid_through=NOV,
            ),
            relationship=relationship,
            is_main=i == 0,
        )
    return family


def test_a_pbpu_family_gets_one_bill_with_the_class_rate_per_member():
    family = family_with_members(size=3, care_class=2, paid_through=NOV)

    run = billing_run(month=DEC)

    bill = bill_of(family)
    assert (bill.month, bill.payer, bill.segment_id, bill.state) == (DEC, "FAMILY", "PBPU", "OPEN")
    assert (bill.amount, bill.due_date, bill.paid_amount) == (300_000, date(2026, 12, 10), 0)
    assert lines(bill) == [("MEMBER", 100_000, 0)] * 3
    assert (run.name, run.state, run.total, run.done, run.changed) == (
        "billing 2026-12",
        "DONE",
        1,
        1,
        1,
    )


def test_class_3_members_pay_35000_and_the_government_adds_7000():
    family = family_with_members(size=4, care_class=3, paid_through=NOV)

    billing_run(month=DEC)

    bill = bill_of(family)
    assert (bill.amount, bill.state_subsidy) == (140_000, 28_000)
    assert lines(bill) == [("MEMBER", 35_000, 7_000)] * 4


def test_pbi_is_billed_to_the_state_and_settled_as_it_is_made():
    family = family_with_members(
        size=3, segment=Segment.objects.get(code="PBI_APBN"), paid_through=NOV
    )

    billing_run(month=DEC)

    bill = bill_of(family)
    assert (bill.payer, bill.state, bill.amount, bill.paid_amount) == (
        "STATE",
        "PAID",
        126_000,
        126_000,
    )
    assert bill.settled_at is not None


@pytest.mark.parametrize(
    ("salary", "district", "employer", "worker"),
    [
        # 5% of Rp9.500.000: 4% employer, 1% worker.
        (9_500_000, "317401", 380_000, 95_000),
        # Below the 2026 UMP of DKI Jakarta (Rp5.729.876): the floor is the base;
        # 4% = 229.195 (rounded down), 5% = 286.493, so the worker's 1% is 57.298.
        (3_000_000, "317401", 229_195, 57_298),
        # Below the 2026 UMK of Kabupaten Bogor (Rp5.161.769), not Jawa Barat's UMP:
        # 4% = 206.470, 5% = 258.088, worker 51.618.
        (3_000_000, "320101", 206_470, 51_618),
        # Above the ceiling: 5% of Rp12.000.000.
        (20_000_000, "317401", 480_000, 120_000),
    ],
)
def test_ppu_pays_5_percent_of_the_salary_within_the_minimum_wage_and_the_ceiling(
    salary, district, employer, worker
):
    family = ppu_family(salary=salary, district=district)

    billing_run(month=DEC)

    bill = bill_of(family)
    assert (bill.payer, bill.employer_share, bill.worker_share) == ("EMPLOYER", employer, worker)
    assert bill.amount == employer + worker
    assert lines(bill) == [("MEMBER", employer + worker, 0), ("MEMBER", 0, 0), ("MEMBER", 0, 0)]


def test_ppu_charges_1_percent_for_each_member_beyond_five():
    family = ppu_family(salary=9_500_000, children=5)  # worker, spouse, 5 children: 7 people

    billing_run(month=DEC)

    bill = bill_of(family)
    assert (bill.amount, bill.employer_share, bill.worker_share) == (665_000, 380_000, 285_000)
    assert [kind for kind, _a, _s in lines(bill)] == ["MEMBER"] * 5 + ["EXTRA"] * 2
    assert [amount for _k, amount, _s in lines(bill)] == [475_000, 0, 0, 0, 0, 95_000, 95_000]


def test_members_who_died_or_left_coverage_are_not_billed():
    family = family_with_members(size=4, care_class=1, paid_through=NOV)
    dead, ended, _a, _b = [m.participant for m in family.memberships.order_by("id")]
    Participant.objects.filter(pk=dead.pk).update(date_of_death=date(2026, 11, 20))
    Participant.objects.filter(pk=ended.pk).update(
        coverage_end=date(2026, 11, 30), coverage_end_reason="SEGMENT_ENDED"
    )

    billing_run(month=DEC)

    bill = bill_of(family)
    assert bill.amount == 300_000
    assert set(bill.lines.values_list("participant_id", flat=True)) == {_a.pk, _b.pk}


def test_billing_twice_for_a_month_creates_nothing_new():
    families = [family_with_members(size=2, paid_through=NOV) for _ in range(5)]
    family_with_members(size=2, paid_through=DEC)  # paid ahead: nothing to bill

    first = billing_run(month=DEC, chunk_size=2)
    second = billing_run(month=DEC, chunk_size=2)

    assert (first.total, first.done, first.changed) == (6, 6, 5)
    assert (second.state, second.done, second.changed) == ("DONE", 6, 0)
    assert Bill.objects.count() == 5
    assert BillLine.objects.count() == 10
    assert set(Bill.objects.values_list("family_id", flat=True)) == {f.pk for f in families}


def test_a_billing_run_killed_midway_is_finished_by_the_next_run(monkeypatch):
    for _ in range(7):
        family_with_members(size=2, paid_through=NOV)
    real = jobs.bills_generate
    calls = {"n": 0}

    def dies_on_third_chunk(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "bills_generate", dies_on_third_chunk)
    with pytest.raises(RuntimeError):
        billing_run(month=DEC, chunk_size=3)
    failed = JobRun.objects.get()
    assert (failed.state, failed.done, failed.changed) == ("FAILED", 6, 6)
    assert Bill.objects.count() == 6
    monkeypatch.setattr(jobs, "bills_generate", real)

    rerun = billing_run(month=DEC, chunk_size=3)

    assert (rerun.state, rerun.done, rerun.changed) == ("DONE", 7, 1)
    assert Bill.objects.count() == 7
    assert BillLine.objects.count() == 14


def test_a_prepaid_family_has_its_new_bill_settled_at_once(django_capture_on_commit_callbacks):
    family = family_with_members(size=2, care_class=2, paid_through=NOV)
    payment, _created = payment_credit(
        channel=PaymentChannelFactory(),
        transaction_id="PREPAID-1",
        family=family,
        virtual_account=family.virtual_account,
        amount=250_000,
        paid_at=timezone.now(),
        on=date(2026, 11, 25),
    )
    assert (payment.result, payment.allocated_amount) == ("CREDIT", 0)

    with django_capture_on_commit_callbacks() as callbacks:
        billing_run(month=DEC)

    bill = bill_of(family)
    payment.refresh_from_db()
    assert (bill.state, bill.paid_amount) == ("PAID", 200_000)
    assert (payment.allocated_amount, payment.unallocated) == (200_000, 50_000)
    reactivation = Reactivation.objects.get()
    assert (reactivation.paid_through, reactivation.arrears_months) == (DEC, 0)
    assert len(callbacks) == 1


def stale_aktif(family) -> list[int]:
    ids = list(family.memberships.values_list("participant_id", flat=True))
    Participant.objects.filter(pk__in=ids).update(
        status="AKTIF", status_reason="ACTIVE", status_changed_at=timezone.now()
    )
    return ids


def test_month_end_switches_off_families_that_left_the_month_unpaid():
    unpaid = family_with_members(size=3, paid_through=date(2026, 10, 1))
    paid = family_with_members(size=2, paid_through=NOV)
    billing_run(month=NOV)  # the unpaid family's November bill stays open
    unpaid_ids, paid_ids = stale_aktif(unpaid), stale_aktif(paid)

    run = month_end_run(month=NOV, on=DEC)
    again = month_end_run(month=NOV, on=DEC)

    assert (run.name, run.state, run.total, run.done, run.changed) == (
        "month_end 2026-11",
        "DONE",
        1,
        1,
        3,
    )
    assert (again.done, again.changed) == (1, 0)
    assert set(
        Participant.objects.filter(pk__in=unpaid_ids).values_list("status", "status_reason")
    ) == {("TIDAK_AKTIF", "ARREARS")}
    assert set(Participant.objects.filter(pk__in=paid_ids).values_list("status", flat=True)) == {
        "AKTIF"
    }
    assert list(StatusChange.objects.values_list("cause", flat=True)) == ["DAILY_RECOMPUTE"] * 3


def test_month_end_first_settles_a_family_whose_credit_covers_it(
    django_capture_on_commit_callbacks,
):
    family = family_with_members(size=2, care_class=2, paid_through=date(2026, 10, 1))
    billing_run(month=NOV)
    ids = stale_aktif(family)
    payment_credit(
        channel=PaymentChannelFactory(),
        transaction_id="EARLY-1",
        family=family,
        virtual_account=family.virtual_account,
        amount=150_000,  # not enough for November (Rp200.000): held
        paid_at=timezone.now(),
        on=date(2026, 11, 5),
    )
    payment_credit(
        channel=PaymentChannelFactory(),
        transaction_id="EARLY-2",
        family=family,
        virtual_account=family.virtual_account,
        amount=50_000,  # completes November: settled right away
        paid_at=timezone.now(),
        on=date(2026, 11, 6),
    )
    assert list(Payment.objects.order_by("id").values_list("result", flat=True)) == [
        "PARTIAL",
        "SETTLED",
    ]

    with django_capture_on_commit_callbacks():
        run = month_end_run(month=NOV, on=DEC)

    assert (run.total, run.changed) == (0, 0)
    assert set(Participant.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"AKTIF"}


def test_generate_bills_command_prints_progress_per_chunk():
    for _ in range(3):
        family_with_members(size=1, paid_through=NOV)
    out = []

    call_command("generate_bills", "--month", "2026-12", "--chunk-size", "2", stdout=_Writer(out))

    text = "".join(out)
    assert "billing 2026-12 #" in text
    assert ": 2/3 families, 2 changed" in text
    assert text.strip().endswith("DONE, 3/3 families, 3 bills created")


class _Writer:
    def __init__(self, out: list[str]) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)

    def flush(self) -> None:
        pass


def test_beat_runs_billing_and_month_end_on_the_first_and_the_sweep_every_minute(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    billing, month_end = schedule["monthly-billing"], schedule["month-end-status"]

    assert billing["task"] == "payments.tasks.generate_monthly_bills"
    assert billing["schedule"].day_of_month == {1}
    assert (billing["schedule"].hour, billing["schedule"].minute) == ({0}, {5})
    assert month_end["task"] == "payments.tasks.month_end"
    assert (month_end["schedule"].hour, month_end["schedule"].minute) == ({0}, {15})
    assert schedule["reactivation-sweep"]["schedule"] == 60.0
