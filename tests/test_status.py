"""The one status function: every reason of DESIGN.md 4.4, at month boundaries."""

from datetime import date, timedelta

import pytest

from participants.factories import ParticipantFactory
from participants.models import CoverageEndReason, RegistryHold, Segment
from participants.selectors import family_statuses
from participants.status import (
    PaymentUnit,
    derive_status,
    month_index,
    month_start,
    penalty_amount,
)

pytestmark = pytest.mark.django_db

UNIT = PaymentUnit(monthly_amount=35_000, virtual_account="8888801012000001", amount_due=35_000)


def status_of(p, on, unit=None):
    r = derive_status(p, on=on, payment_unit=unit)
    return r.status, r.reason


def alone(p, on):
    """The status of a one-member family, amounts from the one contribution function."""
    return family_statuses(
        members=[(p, "KEPALA")], on=on, district_code="317401", virtual_account=UNIT.virtual_account
    ).statuses[p.pk]


def test_paid_up_pbpu_is_active():
    p = ParticipantFactory(paid_through=date(2026, 11, 1))
    assert status_of(p, date(2026, 11, 21)) == ("AKTIF", "ACTIVE")


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 11, 1), ("AKTIF", "PAYMENT_DUE")),  # November due, still covered
        (date(2026, 11, 10), ("AKTIF", "PAYMENT_DUE")),  # due date itself
        (date(2026, 11, 11), ("AKTIF", "PAYMENT_DUE")),  # no late fee, still covered
        (date(2026, 11, 30), ("AKTIF", "PAYMENT_DUE")),  # last day of the unpaid month
        (date(2026, 12, 1), ("TIDAK_AKTIF", "ARREARS")),  # coverage stops on the 1st
    ],
)
def test_unpaid_month_stops_coverage_on_the_first_of_next_month(on, expected):
    p = ParticipantFactory(paid_through=date(2026, 10, 1))
    assert status_of(p, on) == expected


def test_payment_due_remedy_names_amount_va_and_the_10th():
    p = ParticipantFactory(paid_through=date(2026, 10, 1))
    r = derive_status(p, on=date(2026, 11, 5), payment_unit=UNIT)
    assert r.amount_due == 35_000
    assert "Rp35.000" in r.remedy and UNIT.virtual_account in r.remedy and "10" in r.remedy


def test_arrears_of_three_months_amount_is_arrears_plus_current_month():
    p = ParticipantFactory(paid_through=date(2026, 7, 1))
    r = alone(p, date(2026, 11, 21))
    assert (r.status, r.reason, r.arrears_months) == ("TIDAK_AKTIF", "ARREARS", 3)
    assert r.amount_due == 4 * 35_000
    assert "Rp140.000" in r.remedy and UNIT.virtual_account in r.remedy


@pytest.mark.parametrize(("months", "charged"), [(23, 24), (24, 25), (25, 25), (30, 25)])
def test_arrears_charge_at_most_24_months_plus_current(months, charged):
    on = date(2026, 11, 21)
    p = ParticipantFactory(paid_through=month_start(month_index(on) - months - 1))
    r = alone(p, on)
    assert r.arrears_months == months
    assert r.amount_due == charged * 35_000


def test_a_registrant_who_never_paid_awaits_the_first_payment_without_arrears():
    p = ParticipantFactory(paid_through=None, coverage_start=date(2026, 9, 15))
    r = alone(p, date(2026, 11, 2))
    # Not covered before the first payment (DESIGN.md 4.4), so never in arrears; the first
    # payment covers September to November (3 x Rp35.000).
    assert (r.status, r.reason, r.arrears_months) == ("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT", 0)
    assert r.amount_due == 105_000


def test_pbi_never_has_arrears():
    p = ParticipantFactory(segment=Segment.objects.get(code="PBI_APBN"), paid_through=None)
    r = derive_status(p, on=date(2026, 11, 21))
    assert (r.status, r.reason) == ("AKTIF", "ACTIVE")
    assert "pemerintah" in r.explanation  # Indonesian is the default language


def test_ppu_arrears_tell_to_ask_the_employer():
    p = ParticipantFactory(
        segment=Segment.objects.get(code="PPU_BU"), salary=8_000_000, paid_through=date(2026, 8, 1)
    )
    r = derive_status(p, on=date(2026, 11, 21), payment_unit=UNIT)
    assert (r.status, r.reason) == ("TIDAK_AKTIF", "ARREARS")
    assert "Pemberi kerja" in r.remedy and r.amount_due is None


def test_deceased_wins_over_everything():
    p = ParticipantFactory(
        date_of_death=date(2026, 10, 3),
        registry_hold=RegistryHold.DUPLICATE_NIK,
        paid_through=date(2026, 11, 1),
    )
    assert status_of(p, date(2026, 11, 1)) == ("TIDAK_AKTIF", "DECEASED")
    # Before the death the hold applies.
    assert status_of(p, date(2026, 10, 2)) == ("PENANGGUHAN", "DUPLICATE_NIK")


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (CoverageEndReason.SEGMENT_ENDED, "SEGMENT_ENDED"),
        (CoverageEndReason.PBI_DELISTED, "PBI_DELISTED"),
    ],
)
def test_coverage_end_covers_its_last_day_only(reason, expected):
    p = ParticipantFactory(
        coverage_end=date(2026, 10, 31), coverage_end_reason=reason, paid_through=date(2026, 11, 1)
    )
    assert status_of(p, date(2026, 10, 31))[0] == "AKTIF"
    assert status_of(p, date(2026, 11, 1)) == ("TIDAK_AKTIF", expected)


def test_not_yet_covered_before_coverage_start():
    p = ParticipantFactory(coverage_start=date(2026, 12, 1), paid_through=date(2026, 12, 1))
    assert status_of(p, date(2026, 11, 30)) == ("TIDAK_AKTIF", "NOT_YET_COVERED")
    assert status_of(p, date(2026, 12, 1)) == ("AKTIF", "ACTIVE")


@pytest.mark.parametrize(
    "hold", [RegistryHold.DUKCAPIL_MISMATCH, RegistryHold.DUPLICATE_NIK, RegistryHold.NIK_NOT_FOUND]
)
def test_registry_holds_suspend(hold):
    p = ParticipantFactory(
        registry_hold=hold, hold_note="nama di Dukcapil: X", paid_through=date(2026, 11, 1)
    )
    r = derive_status(p, on=date(2026, 11, 21))
    assert (r.status, r.reason, r.colour) == ("PENANGGUHAN", hold.value, "amber")
    assert r.remedy


def test_a_paid_newborn_without_nik_is_active_with_a_note_and_on_hold_after_3_months():
    born = date(2026, 11, 9)
    p = ParticipantFactory(
        nik=None, birth_date=born, coverage_start=born, paid_through=date(2026, 11, 1)
    )
    r = derive_status(p, on=date(2026, 11, 21))
    assert (r.status, r.reason) == ("AKTIF", "ACTIVE")
    assert [n.code for n in r.notes] == ["NIK_NOT_ISSUED"]
    assert "9 Februari 2027" in r.notes[0].text
    later = derive_status(p, on=date(2027, 2, 9))
    assert (later.status, later.reason) == ("PENANGGUHAN", "NEWBORN_UNREGISTERED")


def test_reactivation_penalty_window_is_45_days():
    reactivated = date(2026, 11, 11)
    p = ParticipantFactory(
        reactivated_on=reactivated, reactivation_arrears_months=15, paid_through=date(2026, 12, 1)
    )
    inside = derive_status(p, on=reactivated + timedelta(days=44))
    after = derive_status(p, on=reactivated + timedelta(days=45))
    assert (inside.status, inside.reason) == ("AKTIF", "REACTIVATION_PENALTY")
    assert inside.penalty_until == reactivated + timedelta(days=44)
    assert inside.penalty_months == 12  # at most 12 months count
    assert (after.status, after.reason) == ("AKTIF", "ACTIVE")


@pytest.mark.parametrize(
    ("cost", "months", "expected"),
    [
        (10_000_000, 3, 1_500_000),
        (10_000_000, 15, 6_000_000),  # months capped at 12
        (100_000_000, 12, 30_000_000),  # 60 million capped at Rp30.000.000
        (0, 5, 0),
    ],
)
def test_penalty_amount(cost, months, expected):
    assert penalty_amount(inacbg_cost=cost, months_in_arrears=months) == expected


def test_family_view_charges_every_billed_member():
    from families.factories import family_with_members
    from families.selectors import family_view_for_participant

    family = family_with_members(size=3, paid_through=date(2026, 9, 1), care_class=1)
    head = family.memberships.get(is_main=True).participant
    view = family_view_for_participant(participant=head, on=date(2026, 11, 21))
    assert view.payment_unit.monthly_amount == 3 * 150_000
    # October in arrears plus November: 2 months for the whole family.
    assert [m.status.amount_due for m in view.members] == [2 * 450_000] * 3
