"""The family answer is cached (issue 14) and is never stale: every writer of a fact it is
computed from gives the next request a fresh answer (core/facts.py, families.selectors).

Each case reads the family through the API (which caches it), changes one fact through the
service that changes it in the product, and reads again: the second answer must show the
change. Beside them, the mechanism itself: every ORM write path of a fact row draws a new token,
every reference write a new epoch, and no raw SQL writes those tables without one."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from simple_history.utils import bulk_update_with_history

from core.factories import StaffUserFactory
from core.facts import FactsModel
from core.models import ReferenceEpoch
from families.models import FamilyCard, FamilyMembership
from families.services import family_address_set, family_member_leave, family_member_move
from participants.factories import months_ago
from participants.models import (
    ContributionRate,
    Facility,
    MinimumWage,
    Participant,
    RegistryHold,
    Segment,
)
from participants.services import (
    RegistryFactChange,
    participant_correct,
    participant_retire_as_duplicate,
    participants_apply_registry_facts,
    participants_record_payment,
)

from .conftest import bearer, make_family

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _read(client) -> dict:
    response = client.get("/api/v1/me/family/")
    assert response.status_code == 200
    return response.json()


def _member(data: dict, card: str) -> dict:
    return next(m for m in data["members"] if m["card_number"] == card)


@pytest.fixture
def family():
    family, head = make_family(3, paid_through=months_ago(0))
    child = family.memberships.filter(is_main=False).order_by("id").first()
    client = bearer(head.user)
    _read(client)  # fills the cache
    return family, head, child.participant, client


def test_a_repeated_read_is_served_from_the_cache(family):
    family_card, head, _child, client = family
    # The same answer again, without the family query: one statement reads the token, its
    # user and the fact tokens (families.api.auth).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        data = _read(client)
    assert data["kk_number"] == family_card.number
    assert len(queries.captured_queries) == 1


def test_a_staff_correction_shows_on_the_next_read(family):
    _family, head, _child, client = family
    staff = StaffUserFactory(branch=head.branch)
    participant_correct(
        participant=head, actor=staff, reason="Salah ketik", changes={"name": "NAMA BARU"}
    )
    assert _member(_read(client), head.card_number)["name"] == "NAMA BARU"


def test_a_payment_shows_on_the_next_read(family):
    family_card, head, child, client = family
    for p in (head, child):
        Participant.objects.filter(pk=p.pk).update(paid_through=months_ago(5))
    before = _read(client)
    assert _member(before, head.card_number)["status"]["status"] != "AKTIF"
    participants_record_payment(
        participant_ids=[m.participant_id for m in family_card.memberships.all()],
        paid_through=months_ago(0),
        confirmed_on=date.today(),
        note="test",
    )
    assert _member(_read(client), head.card_number)["status"]["status"] == "AKTIF"


def test_a_sync_result_shows_on_the_next_read(family):
    _family, head, child, client = family
    participants_apply_registry_facts(
        changes=[
            RegistryFactChange(
                child.pk,
                {"registry_hold": RegistryHold.DUKCAPIL_MISMATCH, "hold_note": "beda"},
                "sync",
            )
        ]
    )
    assert _member(_read(client), child.card_number)["status"]["status"] != "AKTIF"


def test_an_address_change_shows_on_the_next_read(family):
    family_card, _head, _child, client = family
    family_address_set(family=family_card, address="Jl. Baru 1", actor=None, reason="pindah")
    assert _read(client)["address"] == "Jl. Baru 1"


def test_a_member_who_leaves_is_gone_on_the_next_read(family):
    _family, _head, child, client = family
    family_member_leave(participant=child, on=date.today(), actor=None, reason="pindah")
    assert child.card_number not in [m["card_number"] for m in _read(client)["members"]]


def test_a_member_who_moves_is_gone_on_the_next_read(family):
    family_card, _head, child, client = family
    family_member_move(
        participant=child,
        to_number="3174099999990001",
        relationship="KEPALA",
        address="Jl. Lain",
        district_code=family_card.district_id,
        on=date.today(),
        actor=None,
        reason="KK baru",
    )
    assert child.card_number not in [m["card_number"] for m in _read(client)["members"]]


def test_a_merged_duplicate_shows_on_the_next_read(family):
    family_card, head, child, client = family
    before = _member(_read(client), child.card_number)["status"]
    participant_retire_as_duplicate(duplicate=child, keep=head, actor=None, reason="ganda")
    members = {m["card_number"]: m for m in _read(client)["members"]}
    assert child.card_number not in members or members[child.card_number]["status"] != before


def test_a_rate_change_shows_on_the_next_read(family):
    family_card, head, _child, client = family
    # Unpaid since two months: the family owes, so the amounts are shown.
    Participant.objects.filter(memberships__family=family_card).update(paid_through=months_ago(2))
    before = _read(client)
    assert before["amount_due"]["amount"] > 0
    rate = (
        ContributionRate.objects.filter(segment=head.segment, care_class=head.care_class)
        .order_by("-valid_from")
        .first()
    )
    assert rate is not None
    # PBPU class 3 pays the participant's part of the rate (the state adds the rest).
    field = "participant_amount" if rate.participant_amount is not None else "monthly_amount"
    setattr(rate, field, getattr(rate, field) + 1000)
    rate.save()
    after = _read(client)
    assert after["amount_due"]["amount"] > before["amount_due"]["amount"]


def test_a_facility_rename_shows_on_the_next_read(family):
    _family, head, _child, client = family
    Facility.objects.filter(pk=head.fktp_id).update(name="Klinik Berganti Nama")
    assert _member(_read(client), head.card_number)["fktp"]["name"] == "Klinik Berganti Nama"


# --- the mechanism --------------------------------------------------------------------------


def _token(model, pk) -> int:
    return model.objects.values_list("facts_token", flat=True).get(pk=pk)


def test_every_orm_write_of_a_fact_row_draws_a_new_token(family):
    family_card, head, child, _client = family
    writes = [
        lambda: head.save(),
        lambda: head.save(update_fields=["phone"]),
        lambda: Participant.objects.filter(pk=head.pk).update(phone="0811"),
        lambda: Participant.objects.bulk_update([head], ["phone"]),
        lambda: bulk_update_with_history([head], Participant, ["phone"]),
        lambda: family_card.memberships.first().participant.save(update_fields=["email"]),
    ]
    for write in writes:
        before = _token(Participant, head.pk)
        write()
        assert _token(Participant, head.pk) != before
    for write in (
        lambda: family_card.save(),
        lambda: FamilyCard.objects.filter(pk=family_card.pk).update(address="x"),
        lambda: FamilyCard.objects.bulk_update([family_card], ["address"]),
    ):
        before = _token(FamilyCard, family_card.pk)
        write()
        assert _token(FamilyCard, family_card.pk) != before


def test_every_reference_write_draws_a_new_epoch(family):
    _family, head, _child, _client = family

    def epoch():
        return ReferenceEpoch.objects.filter(pk=1).values_list("token", flat=True).first()

    segment = Segment.objects.get(pk=head.segment_id)
    rate = ContributionRate.objects.filter(segment=segment).first()
    writes = [
        lambda: segment.save(),
        lambda: Segment.objects.filter(pk=segment.pk).update(name=segment.name),
        lambda: Facility.objects.filter(pk=head.fktp_id).update(name="F"),
        lambda: MinimumWage.objects.filter(pk=-1).update(monthly_amount=1),
        lambda: ContributionRate.objects.bulk_update([rate], ["regulation"]),
        lambda: ContributionRate.objects.filter(pk=-1).delete(),
    ]
    for write in writes:
        before = epoch()
        write()
        assert epoch() != before


def test_the_fact_models_use_the_token_writing_manager():
    from core.facts import FactsQuerySet, ReferenceModel, ReferenceQuerySet

    for model in (Participant, FamilyCard):
        assert issubclass(model, FactsModel)
        assert isinstance(model.objects.all(), FactsQuerySet)
        assert isinstance(model._default_manager.all(), FactsQuerySet)
    from core.models import BranchOffice, Region

    for model in (Segment, ContributionRate, MinimumWage, Facility, Region, BranchOffice):
        assert issubclass(model, ReferenceModel)
        assert isinstance(model._default_manager.all(), ReferenceQuerySet)
    # Membership rows are read into the key themselves (id, relationship, main, current).
    assert FamilyMembership._meta.get_field("relationship")


FACT_TABLES = re.compile(
    r"\b(UPDATE|INSERT\s+INTO)\s+\"?(participants_participant|families_familycard)\b", re.I
)


def test_no_raw_sql_writes_a_fact_table_without_its_token():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", ".uv", "node_modules"} or "migrations" in parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in FACT_TABLES.finditer(text):
            statement = text[match.start() : match.start() + 600]
            if "facts_token" not in statement and path.name != "test_facts.py":
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_an_eligibility_lookup_after_a_payment_shows_the_new_status(family, facility_client):
    family_card, head, _child, _client = family
    url = f"/api/v1/eligibility/?card_number={head.card_number}"
    Participant.objects.filter(memberships__family=family_card).update(paid_through=months_ago(5))
    assert facility_client.get(url).json()["eligible"] is False
    participants_record_payment(
        participant_ids=[m.participant_id for m in family_card.memberships.all()],
        paid_through=months_ago(0),
        confirmed_on=date.today(),
        note="test",
    )
    assert facility_client.get(url).json()["eligible"] is True


def test_a_repeated_eligibility_lookup_reads_token_and_facts_in_one_statement(
    family, facility_client
):
    """The facility's token and the asked participant's fact rows come in one statement
    (participants.api.auth); the only other is the lookup's log row. By NIK and by card the
    same, and a number nobody has is found by nobody in that statement too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _family, head, _child, _client = family
    for query in (f"card_number={head.card_number}", f"nik={head.nik}"):
        url = f"/api/v1/eligibility/?{query}"
        assert facility_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = facility_client.get(url)
        assert response.json()["card_number"] == head.card_number
        assert len(_statements(queries)) == 2
    with CaptureQueriesContext(connection) as queries:
        response = facility_client.get("/api/v1/eligibility/?card_number=0009999999999")
    assert response.status_code == 404
    assert len(_statements(queries)) == 2


def _statements(queries) -> list[str]:
    """What a request sent, without the savepoints the test's own transaction adds around
    the log row's INSERT (outside a test it is one autocommitted statement)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]
