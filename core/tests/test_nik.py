"""NIK structure (DESIGN.md 4.2): digits, region code, date with +40 for women, serial."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.nik import (
    make_nik,
    nik_region,
    nik_region_warning,
    parse_nik,
    validate_kk_number,
    validate_nik_matches,
)

pytestmark = pytest.mark.django_db


def error_of(nik: str) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        parse_nik(nik)
    return exc.value


def test_valid_male_nik_parts():
    parts = parse_nik("3174010101800001")
    assert (parts.district_code, parts.birth_day, parts.birth_month, parts.birth_year_2) == (
        "317401",
        1,
        1,
        80,
    )
    assert parts.is_female is False


def test_women_add_40_to_the_day():
    parts = parse_nik("3174015503830001")
    assert (parts.birth_day, parts.is_female) == (15, True)


@pytest.mark.parametrize(
    ("nik", "code", "words"),
    [
        ("317401010180000", "nik_format", "16"),
        ("31740101018000a1", "nik_format", "16"),
        ("3174013201800001", "nik_date", "32"),
        ("3174017201800001", "nik_date", "72"),
        ("3174010013800001", "nik_date", "00"),
        ("3174010113800001", "nik_date", "011380"),  # month 13
        ("3174013002800001", "nik_date", "300280"),  # 30 February
        ("3174010101800000", "nik_serial", "0001"),
    ],
)
def test_invalid_niks_name_what_is_wrong(nik, code, words):
    err = error_of(nik)
    assert err.code == code
    assert words in err.messages[0]


def test_leap_day_for_a_woman_is_valid():
    assert parse_nik("3174016902800001").birth_day == 29  # 29-02-1980


def test_nik_must_match_birth_date_and_sex():
    validate_nik_matches("3174015503830001", birth_date=date(1983, 3, 15), is_female=True)
    with pytest.raises(ValidationError) as exc:
        validate_nik_matches("3174011503830001", birth_date=date(1983, 3, 15), is_female=True)
    assert exc.value.code == "nik_mismatch"


def test_make_nik_round_trips():
    nik = make_nik(district_code="320101", birth_date=date(2001, 12, 9), is_female=True, serial=42)
    assert nik == "3201014912010042"
    validate_nik_matches(nik, birth_date=date(2001, 12, 9), is_female=True)


@pytest.mark.parametrize(
    ("kk", "code"), [("31740115031000", "kk_format"), ("9999011503100001", "kk_region")]
)
def test_kk_number_checks_digits_and_region(kk, code):
    with pytest.raises(ValidationError) as exc:
        validate_kk_number(kk)
    assert exc.value.code == code
    validate_kk_number("3174011503100001")


@pytest.mark.parametrize(
    ("nik", "region", "warning"),
    [
        ("3174010101800001", "CURRENT", ""),
        # Kota Jayapura was 94.71 before the 2022 Papua split (now 91.71): a lifelong NIK.
        ("9471010101800001", "HISTORICAL", "9471"),
        ("9999010101800001", "UNKNOWN", "999901"),
    ],
)
def test_a_nik_is_lifelong_its_region_code_is_a_warning_for_staff_never_a_refusal(
    nik, region, warning
):
    assert parse_nik(nik).district_code == nik[:6]  # accepted, whatever the region
    assert nik_region(nik) == region
    assert (warning in nik_region_warning(nik)) and bool(nik_region_warning(nik)) == bool(warning)
