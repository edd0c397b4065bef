"""Property tests (hypothesis) of the arrears, denda pelayanan and contribution rules
(Perpres 64/2020 Pasal 32, 34, 42). Pure functions: no database."""

from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from families.models import FamilyCard, FamilyMembership, Relationship
from participants.contributions import (
    RateTable,
    charged_months,
    is_billed,
    month_index,
    month_start,
    ppu_places,
    ppu_shares,
)
from participants.models import ContributionRate, Participant, Segment
from participants.status import derive_status, penalty_amount
from payments.services.billing import bills_for_family


def bill_for_family(**kwargs):
    """The one bill these families get (a single segment)."""
    made = bills_for_family(**kwargs)
    assert len(made) == 1
    return made[0]


CEILING = 12_000_000
days = st.dates(min_value=date(2014, 1, 1), max_value=date(2040, 12, 31))


# --- arrears: at most 24 months charged, plus the current month ---------------------------


@given(first_unpaid=days, on=days)
def test_reactivation_charges_at_most_24_months_of_arrears_plus_the_current_month(
    first_unpaid: date, on: date
) -> None:
    months = charged_months(first_unpaid=first_unpaid, on=on)

    arrears = month_index(on) - month_index(first_unpaid)
    if arrears < 0:
        assert months == []  # paid ahead: nothing is charged
        return
    assert len(months) == min(arrears, 24) + 1
    assert months[-1] == month_start(month_index(on))
    assert [month_index(m) for m in months] == list(
        range(month_index(months[0]), month_index(on) + 1)
    )
    # The months left out are the oldest ones.
    assert months[0] == month_start(max(month_index(first_unpaid), month_index(on) - 24))


# --- denda pelayanan: 5% x cost x months (<= 12), at most Rp30.000.000 ----------------------


@given(cost=st.integers(0, 10**11), months=st.integers(0, 400))
def test_denda_is_5_percent_per_month_capped_at_12_months_and_30_million(
    cost: int, months: int
) -> None:
    penalty = penalty_amount(inacbg_cost=cost, months_in_arrears=months)

    assert penalty == min(cost * 5 * min(months, 12) // 100, 30_000_000)
    assert 0 <= penalty <= 30_000_000
    assert penalty == penalty_amount(inacbg_cost=cost, months_in_arrears=min(months, 12))


@given(cost=st.integers(0, 10**10), months=st.integers(0, 30), more=st.integers(0, 10**9))
def test_denda_never_decreases_with_cost_or_months(cost: int, months: int, more: int) -> None:
    base = penalty_amount(inacbg_cost=cost, months_in_arrears=months)

    assert penalty_amount(inacbg_cost=cost + more, months_in_arrears=months) >= base
    assert penalty_amount(inacbg_cost=cost, months_in_arrears=months + 1) >= base


# --- class III subsidy ----------------------------------------------------------------------


def _segment(code: str, payer: str) -> Segment:
    return Segment(code=code, name=code, payer=payer)


PBPU = _segment("PBPU", "SELF")
PPU = _segment("PPU_BU", "EMPLOYER")
RATES = RateTable(
    {
        ("PBPU", 1): ContributionRate(segment=PBPU, care_class=1, monthly_amount=150_000),
        ("PBPU", 2): ContributionRate(segment=PBPU, care_class=2, monthly_amount=100_000),
        ("PBPU", 3): ContributionRate(
            segment=PBPU, care_class=3, monthly_amount=42_000, participant_amount=35_000
        ),
        ("PPU_BU", 0): ContributionRate(
            segment=PPU, care_class=0, salary_percent=5, salary_ceiling=CEILING
        ),
    }
)


def _family(segment: Segment, care_class: int, relationships: Sequence[str], salary: int | None):
    family = FamilyCard(pk=1, number="3174011503100001", virtual_account="8888811503100001")
    family.district_id = "317401"
    members = []
    for i, rel in enumerate(relationships):
        p = Participant(
            pk=i + 1,
            card_number=f"{i:013d}",
            nik=f"{i:016d}",
            name=f"P{i}",
            # Children are young enough to be PPU family members (under 21 in 2026).
            birth_date=date(2008 + i, 1, 1) if rel == Relationship.CHILD else date(1980 + i, 1, 1),
            sex="L",
            segment=segment,
            care_class=care_class,
            coverage_start=date(2020, 1, 1),
            salary=salary if i == 0 else None,
        )
        members.append(
            FamilyMembership(
                pk=i + 1, family=family, participant=p, relationship=rel, is_main=i == 0
            )
        )
    return family, members


@given(size=st.integers(1, 12), care_class=st.sampled_from([1, 2, 3]))
def test_a_pbpu_family_pays_the_class_rate_per_member_class_3_with_the_state_subsidy(
    size: int, care_class: int
) -> None:
    relationships = [Relationship.HEAD] + [Relationship.CHILD] * (size - 1)
    family, members = _family(PBPU, care_class, relationships, None)

    made = bill_for_family(
        family_id=family.pk,
        members=members,
        month=date(2026, 11, 1),
        on=date(2026, 11, 1),
        rates=RATES,
        wage_floor=None,
    )

    assert made is not None
    bill, lines = made
    participant_pays, state_adds = {1: (150_000, 0), 2: (100_000, 0), 3: (35_000, 7_000)}[
        care_class
    ]
    assert [(line.amount, line.state_subsidy) for line in lines] == [
        (participant_pays, state_adds)
    ] * size
    assert (bill.amount, bill.state_subsidy) == (participant_pays * size, state_adds * size)
    assert bill.due_date == date(2026, 11, 10)
    if care_class == 3:
        # Rp42.000 per member in total, Rp35.000 of it from the family.
        assert bill.amount + bill.state_subsidy == 42_000 * size


# --- PPU: 5% of the salary within the minimum wage and Rp12.000.000 ---------------------------


@given(
    salary=st.integers(0, 100_000_000),
    floor=st.one_of(st.none(), st.integers(1_000_000, 6_000_000)),
    extra=st.integers(0, 6),
)
def test_ppu_base_is_the_salary_within_floor_and_ceiling_split_4_1_plus_1_per_extra(
    salary: int, floor: int | None, extra: int
) -> None:
    shares = ppu_shares(salary=salary, floor=floor, ceiling=CEILING, extra_members=extra)

    expected_base = min(max(salary, floor or 0), CEILING)
    assert shares.base == expected_base
    assert shares.employer == expected_base * 4 // 100
    assert shares.employer + shares.worker == expected_base * 5 // 100
    assert shares.extra_members == extra * (expected_base // 100)
    assert shares.total <= 600_000 + extra * 120_000
    if floor:
        assert shares.employer + shares.worker >= floor * 5 // 100


@given(children=st.integers(0, 7), spouses=st.integers(0, 2), others=st.integers(0, 3))
def test_ppu_covers_worker_spouse_and_three_children_and_charges_1_percent_beyond(
    children: int, spouses: int, others: int
) -> None:
    relationships: list[str] = (
        [Relationship.SPOUSE] * spouses + [Relationship.CHILD] * children + ["LAINNYA"] * others
    )
    _family_card, members = _family(PPU, 1, [Relationship.HEAD, *relationships], 9_000_000)

    places = ppu_places(
        [(m.participant, m.relationship) for m in members[1:]], on=date(2026, 11, 1)
    )

    kinds = [places[m.participant.pk].kind for m in members[1:]]
    # Perpres 82/2018 Pasal 4: the 4th child onward pays 1%; other relatives are refused.
    assert kinds.count("EXTRA") == max(0, children - 3)
    assert kinds.count("REFUSED") == max(0, spouses - 1) + others
    covered_people = 1 + kinds.count("MEMBER")
    assert covered_people <= 5


@settings(max_examples=50)
@given(salary=st.integers(1, 30_000_000), children=st.integers(0, 6))
def test_a_ppu_bill_is_the_employer_and_worker_shares_on_the_worker_line(
    salary: int, children: int
) -> None:
    relationships = [Relationship.HEAD, Relationship.SPOUSE] + [Relationship.CHILD] * children
    family, members = _family(PPU, 1, relationships, salary)
    floor = 5_396_761  # UMP DKI Jakarta 2025

    made = bill_for_family(
        family_id=family.pk,
        members=members,
        month=date(2026, 11, 1),
        on=date(2026, 11, 1),
        rates=RATES,
        wage_floor=floor,
    )

    assert made is not None
    bill, lines = made
    shares = ppu_shares(
        salary=salary, floor=floor, ceiling=CEILING, extra_members=max(0, children - 3)
    )
    assert (bill.payer, bill.amount) == ("EMPLOYER", shares.total)
    assert (bill.employer_share, bill.worker_share) == (shares.employer, shares.worker_total)
    assert lines[0].amount == shares.employer + shares.worker
    assert [line.kind for line in lines[1:]] == ["MEMBER"] * min(children + 1, 4) + ["EXTRA"] * max(
        0, children - 3
    )


# --- who is billed: the same members the status function keeps covered --------------------


@given(
    on=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    start_offset=st.integers(-2000, 200),
    death_offset=st.one_of(st.none(), st.integers(-400, 400)),
    end_offset=st.one_of(st.none(), st.integers(-400, 400)),
)
def test_billed_members_are_those_the_status_function_does_not_end(
    on: date, start_offset: int, death_offset: int | None, end_offset: int | None
) -> None:
    start = on + timedelta(days=start_offset)
    p = Participant(
        card_number="0000000000001",
        nik="3174010101800001",
        name="P",
        birth_date=date(1980, 1, 1),
        sex="L",
        segment=PBPU,
        care_class=2,
        coverage_start=start,
        coverage_end=(
            max(start, on + timedelta(days=end_offset)) if end_offset is not None else None
        ),
        coverage_end_reason="SEGMENT_ENDED" if end_offset is not None else "",
        date_of_death=on + timedelta(days=death_offset) if death_offset is not None else None,
        paid_through=month_start(month_index(on)),
    )

    reason = derive_status(p, on=on).reason

    assert is_billed(p, on=on) == (reason not in {"DECEASED", "SEGMENT_ENDED", "PBI_DELISTED"})
