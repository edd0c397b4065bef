"""The rules of DESIGN.md 4.6 at their boundaries, as pure functions (no database)."""

from datetime import date, timedelta

from changes.rules import class_refusal, first_of_next_month, fktp_refusal, segment_refusal

SINCE = date(2026, 6, 1)


def fktp(on: date, **kw):  # type: ignore[no-untyped-def]
    args = {
        "segment_id": "PBPU",
        "since": SINCE,
        "on": on,
        "current_id": 1,
        "new_id": 2,
        "new_is_full": False,
        **kw,
    }
    return fktp_refusal(**args)


def test_fktp_day_89_is_refused_with_the_day_it_becomes_possible_and_day_90_is_allowed():
    refused = fktp(SINCE + timedelta(days=89))
    assert refused is not None
    assert refused.code == "FKTP_TOO_SOON"
    assert refused.possible_from == date(2026, 8, 30)
    assert "30 Agustus 2026" in refused.message or "30 August 2026" in refused.message
    assert fktp(SINCE + timedelta(days=90)) is None


def test_fktp_pd_pemda_may_not_change_and_the_other_segments_may():
    on = date(2026, 12, 2)
    assert fktp(on, segment_id="PBI_APBD").code == "FKTP_SEGMENT_NOT_ALLOWED"  # type: ignore[union-attr]
    for segment in ("PBPU", "PPU_PN", "PPU_BU", "PBI_APBN", "BP"):
        assert fktp(on, segment_id=segment) is None


def test_fktp_full_or_unchanged_is_refused():
    on = date(2026, 12, 2)
    assert fktp(on, new_is_full=True).code == "FKTP_FULL"  # type: ignore[union-attr]
    assert fktp(on, new_id=1).code == "FKTP_UNCHANGED"  # type: ignore[union-attr]


def klass(on: date, **kw):  # type: ignore[no-untyped-def]
    args = {
        "segment_id": "PBPU",
        "since": SINCE,
        "on": on,
        "current": 3,
        "new": 2,
        "arrears_months": 0,
        **kw,
    }
    return class_refusal(**args)


def test_class_day_364_is_refused_and_day_365_is_allowed():
    refused = klass(SINCE + timedelta(days=364))
    assert refused is not None and refused.code == "CLASS_TOO_SOON"
    assert refused.possible_from == date(2027, 6, 1)
    assert klass(SINCE + timedelta(days=365)) is None


def test_class_with_arrears_or_in_a_segment_without_a_choice_is_refused():
    on = date(2027, 6, 1)
    assert klass(on, arrears_months=1).code == "CLASS_ARREARS"  # type: ignore[union-attr]
    assert klass(on, segment_id="PPU_BU").code == "CLASS_SEGMENT_NOT_ALLOWED"  # type: ignore[union-attr]
    assert klass(on, new=3).code == "CLASS_UNCHANGED"  # type: ignore[union-attr]


def seg(on: date, **kw):  # type: ignore[no-untyped-def]
    args = {
        "segment_id": "PPU_BU",
        "segment_since": date(2020, 1, 1),
        "coverage_end": date(2026, 10, 31),
        "deceased": False,
        "family_pbpu_arrears": 0,
        "on": on,
        **kw,
    }
    return segment_refusal(**args)


def test_segment_while_still_covered_is_refused_until_the_day_after_coverage_ends():
    refused = seg(date(2026, 10, 31))
    assert refused is not None and refused.code == "SEGMENT_STILL_ACTIVE"
    assert refused.possible_from == date(2026, 11, 1)
    assert seg(date(2026, 11, 1)) is None
    assert seg(date(2026, 11, 1), coverage_end=None).code == "SEGMENT_STILL_ACTIVE"  # type: ignore[union-attr]


def test_segment_pd_pemda_only_after_a_year():
    since = date(2025, 12, 3)
    refused = seg(date(2026, 12, 2), segment_id="PBI_APBD", segment_since=since, coverage_end=None)
    assert refused is not None and refused.code == "SEGMENT_PD_PEMDA_TOO_SOON"
    assert refused.possible_from == date(2026, 12, 3)
    assert (
        seg(date(2026, 12, 3), segment_id="PBI_APBD", segment_since=since, coverage_end=None)
        is None
    )


def test_segment_refused_for_pbpu_arrears_for_pbpu_itself_and_for_the_deceased():
    on = date(2026, 12, 2)
    assert seg(on, family_pbpu_arrears=2).code == "SEGMENT_PBPU_ARREARS"  # type: ignore[union-attr]
    assert seg(on, segment_id="PBPU").code == "SEGMENT_ALREADY_PBPU"  # type: ignore[union-attr]
    assert seg(on, deceased=True).code == "SEGMENT_DECEASED"  # type: ignore[union-attr]


def test_first_of_next_month_across_the_year_end():
    assert first_of_next_month(date(2026, 12, 31)) == date(2027, 1, 1)
    assert first_of_next_month(date(2027, 1, 31)) == date(2027, 2, 1)
