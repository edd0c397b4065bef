"""Cases computed by hand from the regulation (issue 8). Each row's comment carries the
arithmetic; each row checks the status function (Info Peserta), the bill and the API answer
together, so that the surfaces cannot disagree.

Sources: Perpres 64/2020 Pasal 34 (rates), 39 (due by the 10th), 42 (arrears, reactivation,
denda); Perpres 82/2018 Pasal 4-5 (PPU family), 16 (newborns); DESIGN.md 4.3-4.5;
docs/domain.md."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import pytest
import time_machine
from django.utils import timezone

from core.factories import FacilityUserFactory, UserFactory, region
from families.factories import FamilyCardFactory, FamilyMembershipFactory
from families.models import FamilyCard, FamilyMembership, Relationship
from families.selectors import family_view_for_participant
from families.services import MemberRefused, family_main_after_death, family_member_register
from participants.contributions import month_index, month_start
from participants.factories import ParticipantFactory
from participants.models import CoverageEndReason, Participant, RegistryHold, Segment
from participants.services import participant_correct
from payments.factories import PaymentChannelFactory
from payments.models import Bill
from payments.selectors import bill_statement
from payments.services import family_bills_ensure, payment_credit
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

NOV_21 = date(2026, 11, 21)
H, S, C, P, OTH = (
    Relationship.HEAD,
    Relationship.SPOUSE,
    Relationship.CHILD,
    Relationship.PARENT,
    Relationship.OTHER,
)


def person(rel: str, *, segment: str = "PBPU", cls: int = 2, **facts) -> tuple[str, dict]:
    facts.setdefault("paid_through", date(2026, 11, 1))
    if rel == C:
        facts.setdefault("birth_date", date(2010, 3, 1))
    return rel, {"segment": Segment.objects.get(code=segment), "care_class": cls, **facts}


def family_of(*people: tuple[str, dict], district: str = "317401") -> tuple[FamilyCard, list]:
    card: FamilyCard = FamilyCardFactory.create(district=region(district))
    members: list[Participant] = []
    for i, (rel, facts) in enumerate(people):
        p: Participant = ParticipantFactory.create(
            branch=card.branch, fktp__branch=card.branch, **facts
        )
        FamilyMembershipFactory(family=card, participant=p, relationship=rel, is_main=i == 0)
        members.append(p)
    head = members[0]
    head.user = UserFactory.create(username=head.nik or f"u{head.pk}")
    head.save(update_fields=["user"])
    return card, members


def register(card: FamilyCard, relationship: str, *, name: str, born: date, sex: str, nik=None):
    """The family registers a member on 21 Nov 2026 (as Info Peserta does)."""
    return family_member_register(
        family=card,
        nik=nik,
        name=name,
        birth_place="Jakarta",
        birth_date=born,
        sex=sex,
        relationship=relationship,
        on=NOV_21,
        actor=None,
        reason="tambah anggota",
    )


@dataclass
class Expect:
    statuses: list[tuple[str, str]]  # (status, reason) per member, in creation order
    due: int  # what the virtual account must receive now (Info Peserta, API, bill)
    monthly: dict[str, int] = field(default_factory=dict)  # this month's amount per payer
    notes: dict[int, list[str]] = field(default_factory=dict)  # member index -> note codes


def check(card: FamilyCard, members: list[Participant], on: date, expect: Expect) -> None:
    """Info Peserta, the bill and the API answer the same for this family on `on`."""
    for p in members:
        p.refresh_from_db()
    head = members[0]
    view = family_view_for_participant(participant=head, on=on)
    assert view is not None
    by_pk = {m.participant.pk: m.status for m in view.members}
    got = [(by_pk[p.pk].status, by_pk[p.pk].reason) for p in members]
    assert got == expect.statuses
    assert view.payment_unit.amount_due == expect.due
    for payer, amount in expect.monthly.items():
        assert view.charges.monthly_amount(payer) == amount
    for index, codes in expect.notes.items():
        assert [n.code for n in by_pk[members[index].pk].notes] == codes
    # Every member who owes shows the VA's amount; nobody shows another figure.
    shown = {s.amount_due for s in by_pk.values() if s.amount_due is not None}
    assert shown <= {expect.due}

    # The bill: the charged months' open bills add up to the same amount.
    family_bills_ensure(family=card, on=on)
    statement = bill_statement(family=card, on=on)
    assert statement.total_due == expect.due

    # The API answer, on the same day.
    with _travel(on):
        data = bearer(head.user).get("/api/v1/me/family/").json()
    cards = {p.card_number: p for p in members}
    api = {m["card_number"]: m["status"] for m in data["members"]}
    assert [(api[p.card_number]["status"], api[p.card_number]["reason_code"]) for p in members] == (
        expect.statuses
    )
    assert (data["amount_due"] or {"amount": 0})["amount"] == expect.due
    assert set(api) == set(cards)
    # Facts that hold together are structured fields, with their amounts (point 5).
    for index, codes in expect.notes.items():
        notes = api[members[index].card_number]["notes"]
        assert [n["code"] for n in notes] == codes
        for n in notes:
            if n["code"] in ("ARREARS", "AWAITING_FIRST_PAYMENT"):
                assert n["amount"]["amount"] == expect.due
    # A facility asking about each member on that day gets the same status and reason
    # (without the family's amounts or virtual account).
    facility = bearer(FacilityUserFactory.create())
    for p, expected in zip(members, expect.statuses, strict=True):
        answer = facility.get(
            "/api/v1/eligibility/", {"card_number": p.card_number, "date": on.isoformat()}
        ).json()
        assert (answer["status"]["status"], answer["status"]["reason_code"]) == expected
        assert answer["eligible"] == (expected[0] == "AKTIF")
        assert card.virtual_account not in answer["status"]["remedy"]
    # Whoever owes is told the amount and the virtual account to pay it to.
    for p in members:
        status = api[p.card_number]
        if status["amount_due"]:
            assert status["amount_due"]["formatted"] in status["remedy"]
            assert card.virtual_account in status["remedy"]


def _travel(on: date):
    """Freeze the clock at 10:00 Jakarta time on `on` (the views read today's date)."""
    moment = timezone.make_aware(datetime(on.year, on.month, on.day, 10, 0))
    return time_machine.travel(moment, tick=False)


# --- rows ---------------------------------------------------------------------------------------

Row = Callable[[], tuple[FamilyCard, list, date, Expect]]


def pbpu_class_2_family_of_4_with_3_months_arrears():
    # Paid through July 2026; on 21 Nov: Aug, Sep, Oct unpaid = 3 months of arrears.
    # Reactivation: (3 + 1 current) months x 4 members x Rp100.000 = Rp1.600.000.
    card, m = family_of(*[person(r, paid_through=date(2026, 7, 1)) for r in (H, S, C, C)])
    return card, m, NOV_21, Expect([("TIDAK_AKTIF", "ARREARS")] * 4, 1_600_000, {"FAMILY": 400_000})


def ppu_family_of_6(*, salary: int, on: date) -> Callable[[], tuple]:
    """Worker, spouse, three children under 21 and a parent, all paid through the month
    before `on`'s month: the month of `on` is due."""

    def build():
        last_month = month_start(month_index(on) - 1)
        paid = {"segment": "PPU_BU", "cls": 1, "paid_through": last_month}
        people = [person(H, salary=salary, **paid)]
        people += [person(r, birth_date=date(2009, 1, 1), **paid) for r in (S, C, C, C)]
        people += [person(P, birth_date=date(1950, 1, 1), **paid)]
        return family_of(*people)

    return build


def _ppu_row(salary: int, on: date, total: int):
    card, m = ppu_family_of_6(salary=salary, on=on)()
    return card, m, on, Expect([("AKTIF", "PAYMENT_DUE")] * 6, total, {"EMPLOYER": total})


def ppu_family_of_6_at_15_million():
    # Base = min(15.000.000, ceiling 12.000.000) = 12.000.000. Worker's 5% = 600.000
    # (employer 4% = 480.000, worker 1% = 120.000) covers worker, spouse, 3 children; the
    # 6th person (a parent) is 1% = 120.000, paid by the worker. Total 720.000: employer
    # 480.000, worker 240.000. December due on 3 Dec (paid through November).
    return _ppu_row(15_000_000, date(2026, 12, 3), 720_000)


def ppu_family_of_6_below_the_2026_floor():
    # Salary 3.000.000 < UMP DKI Jakarta 2026 Rp5.729.876 = base. Employer 4% = 229.195
    # (229.195,04 rounded down); 5% = 286.493 so worker 1% = 57.298; the parent's 1% =
    # 57.298. Total 229.195 + 57.298 + 57.298 = 343.791.
    return _ppu_row(3_000_000, date(2026, 12, 3), 343_791)


def ppu_family_of_6_below_the_2025_floor_in_december_2025():
    # The bill's own month: December 2025 uses UMP DKI 2025 Rp5.396.761. Employer 4% =
    # 215.870; 5% = 269.838, worker 53.968; parent 1% = 53.967. Total 323.805 (the figure
    # issue 8 saw billed while Info Peserta said 150.000 = 5% of the bare salary).
    return _ppu_row(3_000_000, date(2025, 12, 3), 323_805)


def pbi_member_in_a_pbpu_family():
    # PBPU class II parents, November due: 2 x Rp100.000 = Rp200.000. The PBI child is paid
    # by the state: never on the family's bill, never arrears (today's code billed it 42.000
    # and 25 months of arrears).
    card, m = family_of(
        person(H, paid_through=date(2026, 10, 1)),
        person(S, paid_through=date(2026, 10, 1)),
        person(C, segment="PBI_APBN", cls=3, paid_through=None),
    )
    expect = Expect(
        [("AKTIF", "PAYMENT_DUE"), ("AKTIF", "PAYMENT_DUE"), ("AKTIF", "ACTIVE")],
        200_000,
        {"FAMILY": 200_000, "STATE": 42_000},
    )
    return card, m, NOV_21, expect


def pbpu_member_in_a_pbi_family():
    # PBI parents (the state pays 2 x Rp42.000); the child moved to PBPU class III pays
    # Rp35.000 (Rp42.000 less the Rp7.000 state subsidy) on a family bill of its own.
    # Unpaid since October: 1 month arrears + November = 2 x 35.000 = Rp70.000.
    card, m = family_of(
        person(H, segment="PBI_APBN", cls=3, paid_through=None),
        person(S, segment="PBI_APBN", cls=3, paid_through=None),
        person(C, cls=3, paid_through=date(2026, 9, 1)),
    )
    expect = Expect(
        [("AKTIF", "ACTIVE"), ("AKTIF", "ACTIVE"), ("TIDAK_AKTIF", "ARREARS")],
        70_000,
        {"FAMILY": 35_000, "STATE": 84_000},
    )
    return card, m, NOV_21, expect


def new_registrant_awaiting_the_first_payment():
    # Registered 20 Nov 2026, class I, 2 people, nothing paid: not covered until the first
    # payment; it covers November: 2 x Rp150.000 = Rp300.000. No arrears.
    start = date(2026, 11, 20)
    card, m = family_of(
        person(H, cls=1, paid_through=None, coverage_start=start),
        person(S, cls=1, paid_through=None, coverage_start=start),
    )
    return card, m, NOV_21, Expect([("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT")] * 2, 300_000)


def reactivated_family_whose_current_month_is_due():
    # Reactivated 25 Oct after 3 months (window to 8 Dec); on 5 Nov November is due:
    # PAYMENT_DUE 2 x Rp100.000 = Rp200.000, and the denda note beside it.
    facts = {"paid_through": date(2026, 10, 1), "reactivated_on": date(2026, 10, 25)}
    card, m = family_of(
        person(H, reactivation_arrears_months=3, **facts),
        person(S, reactivation_arrears_months=3, **facts),
    )
    expect = Expect(
        [("AKTIF", "PAYMENT_DUE")] * 2,
        200_000,
        notes={0: ["REACTIVATION_PENALTY"], 1: ["REACTIVATION_PENALTY"]},
    )
    return card, m, date(2026, 11, 5), expect


def hold_and_arrears_together():
    # Dukcapil mismatch on the head; paid through August: Sep, Oct arrears + Nov = 3 months
    # x 2 x Rp100.000 = Rp600.000, shown beside the hold.
    card, m = family_of(
        person(H, paid_through=date(2026, 8, 1), registry_hold=RegistryHold.DUKCAPIL_MISMATCH),
        person(S, paid_through=date(2026, 8, 1)),
    )
    expect = Expect(
        [("PENANGGUHAN", "DUKCAPIL_MISMATCH"), ("TIDAK_AKTIF", "ARREARS")],
        600_000,
        notes={0: ["ARREARS"]},
    )
    return card, m, NOV_21, expect


def newborn_without_nik_after_3_months_and_an_adult_without_nik():
    # Born 10 Jul 2026: 3 months without NIK end on 10 Oct -> hold. An adult without NIK
    # gets the adult wording (NIK_MISSING). Everyone paid through November: nothing due.
    card, m = family_of(
        person(H),
        person(C, nik=None, birth_date=date(2026, 7, 10), coverage_start=date(2026, 7, 10)),
        person(OTH, nik=None, birth_date=date(1990, 5, 5)),
    )
    expect = Expect(
        [
            ("AKTIF", "ACTIVE"),
            ("PENANGGUHAN", "NEWBORN_UNREGISTERED"),
            ("PENANGGUHAN", "NIK_MISSING"),
        ],
        0,
    )
    return card, m, NOV_21, expect


def ppu_dependants_by_age_marriage_and_relationship():
    # Worker at 10.000.000 (above the 2026 floor, below the ceiling): 5% = 500.000 covers
    # worker, spouse and 3 children. Children: 22 at school (covered, under 25), 19, 17,
    # 12 = the 4th covered child -> 1% = 100.000. A 23-year-old not at school and a married
    # 19-year-old are refused, as is a nephew (other relative): no charge, TIDAK AKTIF.
    # Total 600.000 (employer 400.000, worker 100.000 + 100.000).
    ppu = {"segment": "PPU_BU", "cls": 1}
    card, m = family_of(
        person(H, salary=10_000_000, **ppu),
        person(S, **ppu),
        person(C, birth_date=date(2004, 1, 1), in_formal_education=True, **ppu),
        person(C, birth_date=date(2007, 1, 1), **ppu),
        person(C, birth_date=date(2009, 1, 1), **ppu),
        person(C, birth_date=date(2014, 1, 1), **ppu),
        person(C, birth_date=date(2003, 1, 1), **ppu),
        person(C, birth_date=date(2007, 6, 1), marital_status="KAWIN", **ppu),
        person(OTH, birth_date=date(2000, 1, 1), **ppu),
    )
    due = ("AKTIF", "PAYMENT_DUE")
    refused = ("TIDAK_AKTIF", "PPU_NOT_DEPENDANT")
    expect = Expect([due] * 6 + [refused] * 3, 600_000, {"EMPLOYER": 600_000})
    return card, m, date(2026, 12, 3), expect


ROWS = [
    pbpu_class_2_family_of_4_with_3_months_arrears,
    ppu_family_of_6_at_15_million,
    ppu_family_of_6_below_the_2026_floor,
    ppu_family_of_6_below_the_2025_floor_in_december_2025,
    pbi_member_in_a_pbpu_family,
    pbpu_member_in_a_pbi_family,
    new_registrant_awaiting_the_first_payment,
    reactivated_family_whose_current_month_is_due,
    hold_and_arrears_together,
    newborn_without_nik_after_3_months_and_an_adult_without_nik,
    ppu_dependants_by_age_marriage_and_relationship,
]


@pytest.mark.parametrize("row", ROWS, ids=[r.__name__ for r in ROWS])
def test_status_bill_and_api_agree_with_the_hand_computed_case(row: Row) -> None:
    card, members, on, expect = row()
    check(card, members, on, expect)


def test_the_ppu_bill_splits_employer_and_worker_shares():
    # 720.000 = employer 480.000 + worker 240.000 (120.000 own 1% + 120.000 for the parent).
    card, members, on, expect = ppu_family_of_6_at_15_million()
    check(card, members, on, expect)
    bill = Bill.objects.get(family=card, month=date(2026, 12, 1))
    assert (bill.payer, bill.amount, bill.employer_share, bill.worker_share) == (
        "EMPLOYER",
        720_000,
        480_000,
        240_000,
    )
    assert sorted(line.kind for line in bill.lines.all()) == ["EXTRA"] + ["MEMBER"] * 5


# --- newborns (DESIGN.md 4.5, Perpres 82/2018 Pasal 16) -------------------------------------


@pytest.mark.parametrize(
    ("born", "due"),
    [
        # Registered on day 20 (born 1 Nov, registered 21 Nov): owes November only: Rp35.000.
        (date(2026, 11, 1), 35_000),
        # Registered on day 60 (born 22 Sep): owes from birth, Sep + Oct + Nov = 3 x 35.000.
        (date(2026, 9, 22), 105_000),
    ],
)
def test_a_newborn_owes_from_birth_and_is_active_with_a_nik_note_once_paid(born, due):
    card, m = family_of(person(H, cls=3), person(S, cls=3))
    membership = register(card, Relationship.CHILD, name="Bayi", born=born, sex="L", nik=None)
    baby = membership.participant
    assert (baby.coverage_start, baby.paid_through) == (born, None)  # not the head's month
    members = [*m, baby]
    check(
        card,
        members,
        NOV_21,
        Expect(
            [("AKTIF", "ACTIVE"), ("AKTIF", "ACTIVE"), ("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT")],
            due,
            notes={2: ["NIK_NOT_ISSUED"]},
        ),
    )

    with _travel(NOV_21):
        payment, _created = payment_credit(
            channel=PaymentChannelFactory(),
            transaction_id=f"BBL-{born:%m%d}",
            family=card,
            virtual_account=card.virtual_account,
            amount=due,
            paid_at=timezone.now(),
            on=NOV_21,
        )
        from payments.services import reactivations_apply

        reactivations_apply(reactivation_ids=[], also_waiting=10)
    assert payment.result == "SETTLED"
    baby.refresh_from_db()
    check(
        card,
        members,
        NOV_21,
        Expect([("AKTIF", "ACTIVE")] * 3, 0, notes={2: ["NIK_NOT_ISSUED"]}),
    )


def test_a_new_non_newborn_member_does_not_inherit_the_heads_paid_month():
    # The head paid through November; a spouse added on 21 Nov owes November (Rp100.000)
    # and is not covered before paying; months before the spouse's start are never arrears.
    card, m = family_of(person(H, paid_through=date(2026, 11, 1)))
    spouse = register(
        card, S, name="Istri", born=date(1990, 2, 2), sex="P", nik="3174014202900001"
    ).participant
    check(
        card,
        [*m, spouse],
        NOV_21,
        Expect([("AKTIF", "ACTIVE"), ("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT")], 100_000),
    )


def test_a_ppu_family_refuses_an_other_relative_with_the_reason():
    card, _m = family_of(person(H, segment="PPU_BU", cls=1, salary=8_000_000))
    with pytest.raises(MemberRefused) as exc:
        register(card, OTH, name="Keponakan", born=date(2001, 1, 1), sex="L")
    assert exc.value.code == "PPU_NOT_DEPENDANT" and "PBPU" in str(exc.value.message)
    assert FamilyMembership.objects.filter(family=card).count() == 1


# --- the PBI delisting remedy leads to a correct bill ---------------------------------------


def test_following_the_pbi_delisted_remedy_gives_a_correct_bill(admin_user):
    # Delisted 31 Oct. The remedy: become PBPU at the branch office. Staff change the
    # segment (class III) from 21 Nov: the member owes November only, Rp35.000, on the
    # family's own bill; the PBI spouse stays on the state's.
    card, m = family_of(
        person(
            H,
            segment="PBI_APBN",
            cls=3,
            paid_through=None,
            coverage_end=date(2026, 10, 31),
            coverage_end_reason=CoverageEndReason.PBI_DELISTED,
        ),
        person(S, segment="PBI_APBN", cls=3, paid_through=None),
    )
    view = family_view_for_participant(participant=m[0], on=NOV_21)
    remedy = view.members[0].status.remedy
    assert view.members[0].status.reason == "PBI_DELISTED" and "165" in remedy
    participant_correct(
        participant=m[0],
        actor=admin_user,
        reason="Pindah ke PBPU (Mandiri)",
        changes={
            "segment": Segment.objects.get(code="PBPU"),
            "care_class": 3,
            "coverage_start": NOV_21,
            "coverage_end": None,
            "coverage_end_reason": "",
        },
    )
    check(
        card,
        m,
        NOV_21,
        Expect([("TIDAK_AKTIF", "AWAITING_FIRST_PAYMENT"), ("AKTIF", "ACTIVE")], 35_000),
    )
    bill = Bill.objects.get(family=card, month=date(2026, 11, 1), payer="FAMILY")
    assert [(line.participant_id, line.amount) for line in bill.lines.all()] == [(m[0].pk, 35_000)]


# --- death --------------------------------------------------------------------------------


def test_a_death_mid_month_stops_the_members_charge_and_the_next_becomes_main():
    # Class I family of 3, November unpaid. The head dies on 15 Nov: DECEASED from that
    # day; the spouse and child still owe November: 2 x Rp150.000 = Rp300.000. The spouse
    # (next by priority) becomes main; a newborn then takes the spouse's class (III).
    card, m = family_of(
        person(H, cls=1, paid_through=date(2026, 10, 1)),
        person(S, cls=3, paid_through=date(2026, 10, 1)),
        person(C, cls=1, paid_through=date(2026, 10, 1)),
    )
    Participant.objects.filter(pk=m[0].pk).update(date_of_death=date(2026, 11, 15))
    m[0].refresh_from_db()
    family_main_after_death(participant=m[0], on=date(2026, 11, 15), actor=None, reason="wafat")
    mains = FamilyMembership.objects.filter(family=card, is_main=True, valid_to__isnull=True)
    assert [x.participant_id for x in mains] == [m[1].pk]
    check(
        card,
        m,
        NOV_21,
        Expect(
            [("TIDAK_AKTIF", "DECEASED"), ("AKTIF", "PAYMENT_DUE"), ("AKTIF", "PAYMENT_DUE")],
            # Spouse class III pays Rp35.000, child class I Rp150.000.
            185_000,
        ),
    )
    baby = register(card, C, name="Bayi", born=date(2026, 11, 18), sex="P").participant
    assert baby.care_class == 3


# --- denda pelayanan ------------------------------------------------------------------------


def test_denda_for_inacbg_10_million_after_14_months_is_6_million():
    # 5% x Rp10.000.000 x min(14, 12) months = Rp6.000.000 (< cap Rp30.000.000),
    # Perpres 64/2020 Pasal 42(6). Reactivated 10 days ago, paid through this month.
    on = NOV_21
    card, m = family_of(
        person(H, reactivated_on=date(2026, 11, 11), reactivation_arrears_months=14)
    )
    check(card, m, on, Expect([("AKTIF", "REACTIVATION_PENALTY")], 0))
    with _travel(on):
        data = bearer(m[0].user).get("/api/v1/me/denda/", {"inacbg_cost": 10_000_000}).json()
    assert (data["months_counted"], data["penalty"]["amount"]) == (12, 6_000_000)


# --- NIK of a renumbered region (DESIGN.md 4.2) ---------------------------------------------


def test_a_nik_from_before_the_papua_renumbering_logs_in(client, password):
    # 947101: Kota Jayapura before the 2022 split (now 91.71); the NIK stays valid for life.
    p = ParticipantFactory(nik="9471010101800001", birth_date=date(1980, 1, 1))
    p.user = UserFactory(username=p.nik)
    p.save(update_fields=["user"])
    response = client.post(
        "/api/v1/auth/token/",
        {"nik": "9471010101800001", "password": password},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()


def test_the_billing_job_bills_a_mixed_family_once_per_payer():
    # PBI parents: the state's bill, 2 x Rp42.000 = Rp84.000, settled as it is made. The
    # PBPU class III child: the family's own bill, Rp35.000 (+ Rp7.000 from the state).
    from payments.jobs import billing_run

    card, m = family_of(
        person(H, segment="PBI_APBN", cls=3, paid_through=None),
        person(S, segment="PBI_APBN", cls=3, paid_through=None),
        person(C, cls=3, paid_through=date(2026, 11, 1)),
    )
    dec = date(2026, 12, 1)

    billing_run(month=dec)
    billing_run(month=dec)  # idempotent: nothing twice

    bills = {
        b.payer: (b.amount, b.state, sorted(line.participant_id for line in b.lines.all()))
        for b in Bill.objects.filter(family=card, month=dec)
    }
    assert bills == {
        "STATE": (84_000, "PAID", sorted([m[0].pk, m[1].pk])),
        "FAMILY": (35_000, "OPEN", [m[2].pk]),
    }
