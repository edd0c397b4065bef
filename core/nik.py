"""NIK and KK number structure (DESIGN.md 4.2).

NIK: province(2) + regency/city(2) + district(2) + birth date DDMMYY (DD + 40 for women)
+ serial(4) from 0001. KK: region(6) + date(6) + serial(4); only digits and region are checked.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Region

DIGITS_16 = re.compile(r"^[0-9]{16}$")


@dataclass(frozen=True)
class NikParts:
    district_code: str
    birth_day: int
    birth_month: int
    birth_year_2: int
    is_female: bool
    serial: str


HISTORICAL_REGIONS = Path(__file__).resolve().parent / "data" / "regions_historical.csv"


def _district_exists(code: str) -> bool:
    return Region.objects.filter(code=code, level=Region.Level.DISTRICT).exists()


@cache
def historical_regency_codes() -> frozenset[str]:
    with HISTORICAL_REGIONS.open(encoding="utf-8") as fh:
        return frozenset(row["code"].replace(".", "") for row in csv.DictReader(fh))


def nik_region(nik: str) -> str:
    """CURRENT: a district in today's Kemendagri codes; HISTORICAL: a regency code from before
    a renumbering (e.g. Kota Jayapura 94.71 before the 2022 Papua split); UNKNOWN: neither,
    a warning for staff (DESIGN.md 4.2)."""
    if _district_exists(nik[:6]):
        return "CURRENT"
    if nik[:4] in historical_regency_codes():
        return "HISTORICAL"
    return "UNKNOWN"


def nik_region_warning(nik: str | None) -> str:
    """For staff: what is odd about a NIK's region code (empty when nothing is)."""
    if not nik or not DIGITS_16.match(nik):
        return ""
    region = nik_region(nik)
    if region == "HISTORICAL":
        return _("Region code %(code)s is from before a renumbering (still valid).") % {
            "code": nik[:4]
        }
    if region == "UNKNOWN":
        return _("Region code %(code)s is not a known Kemendagri code: check with Dukcapil.") % {
            "code": nik[:6]
        }
    return ""


def parse_nik(nik: str) -> NikParts:
    """Split a NIK and check its structure; raise ValidationError naming what is wrong.

    The region code is not a reason to refuse: a NIK is lifelong and keeps the code of the
    region it was issued in, even after the region was split or renumbered (UU 24/2013,
    DESIGN.md 4.2). `nik_region_warning` tells staff about an unknown one."""
    if not isinstance(nik, str) or not DIGITS_16.match(nik):
        raise ValidationError(_("NIK must be exactly 16 digits."), code="nik_format")
    district = nik[:6]
    day = int(nik[6:8])
    month = int(nik[8:10])
    year2 = int(nik[10:12])
    is_female = day > 40
    real_day = day - 40 if is_female else day
    if not 1 <= real_day <= 31 or day in (32, 33, 34, 35, 36, 37, 38, 39, 40):
        raise ValidationError(
            _("NIK birth day %(day)s is impossible: use 01-31 for men and 41-71 for women.")
            % {"day": nik[6:8]},
            code="nik_date",
        )
    if not _valid_date_any_century(real_day, month, year2):
        raise ValidationError(
            _("NIK birth date %(date)s is not a real date.") % {"date": nik[6:12]},
            code="nik_date",
        )
    if nik[12:] == "0000":
        raise ValidationError(_("NIK serial number starts at 0001."), code="nik_serial")
    return NikParts(district, real_day, month, year2, is_female, nik[12:])


def _valid_date_any_century(day: int, month: int, year2: int) -> bool:
    for century in (1900, 2000):
        try:
            date(century + year2, month, day)
            return True
        except ValueError:
            continue
    return False


def validate_nik(nik: str) -> None:
    parse_nik(nik)


def validate_nik_matches(nik: str, *, birth_date: date, is_female: bool) -> None:
    """The NIK's date part must be the person's birth date, with +40 on the day for women."""
    parts = parse_nik(nik)
    expected_day = birth_date.day + (40 if is_female else 0)
    if (
        int(nik[6:8]) != expected_day
        or parts.birth_month != birth_date.month
        or parts.birth_year_2 != birth_date.year % 100
    ):
        raise ValidationError(
            _(
                "NIK date part %(part)s does not match birth date %(date)s and sex "
                "(women add 40 to the day)."
            )
            % {"part": nik[6:12], "date": birth_date.strftime("%d-%m-%Y")},
            code="nik_mismatch",
        )


def validate_kk_number(number: str) -> None:
    if not isinstance(number, str) or not DIGITS_16.match(number):
        raise ValidationError(_("KK number must be exactly 16 digits."), code="kk_format")
    if not _district_exists(number[:6]):
        raise ValidationError(
            _("KK region code %(code)s is not a known district (kecamatan).")
            % {"code": number[:6]},
            code="kk_region",
        )


def make_nik(*, district_code: str, birth_date: date, is_female: bool, serial: int) -> str:
    day = birth_date.day + (40 if is_female else 0)
    return f"{district_code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
