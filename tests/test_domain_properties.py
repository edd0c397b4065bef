"""Property test (hypothesis, issue 8): for random families of mixed segments and random
payment histories, the amount on Info Peserta, the API and the bill for the same month are
equal, and no member shows arrears before their coverage start."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from families.models import Relationship
from participants.contributions import month_index, month_start
from payments.selectors import bill_statement
from payments.services import family_bills_ensure
from tests.test_domain_cases import _travel, bearer, family_of, person

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 21)
SEGMENTS = [("PBPU", 1), ("PBPU", 2), ("PBPU", 3), ("BP", 2), ("PBI_APBN", 3), ("PPU_BU", 1)]


@st.composite
def member(draw, index: int):
    segment, cls = draw(st.sampled_from(SEGMENTS))
    start = month_start(month_index(ON) - draw(st.integers(0, 40)))
    paid = draw(st.one_of(st.none(), st.integers(-30, 1)))
    relationship = (
        Relationship.HEAD
        if index == 0
        else draw(st.sampled_from([Relationship.SPOUSE, Relationship.CHILD, Relationship.PARENT]))
    )
    facts = {
        "coverage_start": start,
        "paid_through": None if paid is None else month_start(month_index(ON) + paid),
    }
    if relationship == Relationship.CHILD:
        born = date(2010 + draw(st.integers(0, 14)), 1, 1)
        facts["birth_date"] = born
        facts["coverage_start"] = max(start, born)
    if segment == "PPU_BU" and index == 0:
        facts["salary"] = draw(st.integers(1_000_000, 20_000_000))
    return person(relationship, segment=segment, cls=cls, **facts)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_info_peserta_api_and_bill_agree_and_no_arrears_before_coverage(data) -> None:
    size = data.draw(st.integers(1, 5))
    people = [data.draw(member(i)) for i in range(size)]
    card, members = family_of(*people)

    from families.selectors import family_view_for_participant

    view = family_view_for_participant(participant=members[0], on=ON)
    assert view is not None
    family_bills_ensure(family=card, on=ON)
    statement = bill_statement(family=card, on=ON)
    with _travel(ON):
        api = bearer(members[0].user).get("/api/v1/me/family/").json()

    due = view.payment_unit.amount_due
    assert statement.total_due == due
    assert (api["amount_due"] or {"amount": 0})["amount"] == due
    assert {s.amount_due for s in (m.status for m in view.members) if s.amount_due} <= {due}
    for m in view.members:
        p = m.participant
        months_covered = month_index(ON) - month_index(p.coverage_start)
        assert m.status.arrears_months <= max(0, months_covered)
    # The bills never charge a member for a month before their coverage start.
    for bill in statement.open_bills:
        for line in bill.lines.all():
            assert month_index(bill.month) >= month_index(line.participant.coverage_start)
