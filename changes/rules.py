"""The rules of DESIGN.md 4.6 as pure functions: each answers None (allowed) or the Refusal
that names the rule and, where waiting helps, the first day the change will be possible.

They read facts only, so the boundary cases (day 89 vs 90, day 364 vs 365) are tested
without a database. Durations are settings (CHANGES_FKTP_MIN_DAYS, CHANGES_CLASS_MIN_DAYS,
CHANGES_PD_PEMDA_MIN_DAYS): the guides say "3 months" and "1 year"."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

# Segments whose members may choose their FKTP (DESIGN.md 4.6; not PD Pemda, seed 002).
FKTP_SEGMENTS = frozenset({"PBPU", "PPU_PN", "PPU_BU", "PBI_APBN", "BP"})
# Segments that choose their class (DESIGN.md 4.5: the others follow the main participant).
CLASS_SEGMENTS = frozenset({"PBPU", "BP"})
PBPU = "PBPU"
PD_PEMDA = "PBI_APBD"


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    possible_from: date | None = None


def _day(day: date) -> str:
    return formats.date_format(day, "j F Y")


def first_of_next_month(on: date) -> date:
    return (on.replace(day=28) + timedelta(days=4)).replace(day=1)


def _wait(code: str, rule: str, possible_from: date) -> Refusal:
    return Refusal(
        code,
        _("%(rule)s Possible from %(date)s.") % {"rule": rule, "date": _day(possible_from)},
        possible_from,
    )


def fktp_refusal(
    *, segment_id: str, since: date, on: date, current_id: int, new_id: int, new_is_full: bool
) -> Refusal | None:
    """FKTP: allowed segments; 3 months at the current FKTP; not the same one; not full."""
    if segment_id not in FKTP_SEGMENTS:
        return Refusal(
            "FKTP_SEGMENT_NOT_ALLOWED",
            _(
                "Members of this segment (PD Pemda) change FKTP through the regional "
                "government or the branch office, not here."
            ),
        )
    possible = since + timedelta(days=settings.CHANGES_FKTP_MIN_DAYS)
    if on < possible:
        return _wait(
            "FKTP_TOO_SOON",
            _("The FKTP can change after %(n)d days (3 months) at the current one, since %(d)s.")
            % {"n": settings.CHANGES_FKTP_MIN_DAYS, "d": _day(since)},
            possible,
        )
    if new_id == current_id:
        return Refusal("FKTP_UNCHANGED", _("This is already the member's FKTP."))
    if new_is_full:
        return Refusal(
            "FKTP_FULL", _("This FKTP takes no new participants at the moment: choose another.")
        )
    return None


def class_refusal(
    *, segment_id: str, since: date, on: date, current: int, new: int, arrears_months: int
) -> Refusal | None:
    """Class: PBPU/BP only; 1 year in the current class; no arrears; another class."""
    if segment_id not in CLASS_SEGMENTS:
        return Refusal(
            "CLASS_SEGMENT_NOT_ALLOWED",
            _("Only PBPU (Mandiri) and BP members choose their class; others follow their payer."),
        )
    possible = since + timedelta(days=settings.CHANGES_CLASS_MIN_DAYS)
    if on < possible:
        return _wait(
            "CLASS_TOO_SOON",
            _("The class can change after %(n)d days (1 year) in the current class, since %(d)s.")
            % {"n": settings.CHANGES_CLASS_MIN_DAYS, "d": _day(since)},
            possible,
        )
    if arrears_months:
        return Refusal(
            "CLASS_ARREARS",
            _("The family has %(n)d months of unpaid contributions: pay them first (Tagihan).")
            % {"n": arrears_months},
        )
    if new == current:
        return Refusal("CLASS_UNCHANGED", _("The family is already in this class."))
    return None


def segment_refusal(
    *,
    segment_id: str,
    segment_since: date,
    coverage_end: date | None,
    deceased: bool,
    family_pbpu_arrears: int,
    on: date,
) -> Refusal | None:
    """Segment to PBPU: not PBPU now; inactive (coverage ended); PD Pemda after 1 year;
    the family's PBPU arrears paid first."""
    if deceased:
        return Refusal("SEGMENT_DECEASED", _("The member is recorded as deceased."))
    if segment_id == PBPU:
        return Refusal(
            "SEGMENT_ALREADY_PBPU",
            _(
                "The member is already PBPU (Mandiri). A move to PPU is registered by the "
                "employer; other moves at the branch office."
            ),
        )
    if segment_id == PD_PEMDA:
        possible = segment_since + timedelta(days=settings.CHANGES_PD_PEMDA_MIN_DAYS)
        if on < possible:
            return _wait(
                "SEGMENT_PD_PEMDA_TOO_SOON",
                _(
                    "Members registered by the regional government move to PBPU after 1 year, "
                    "counted from %(d)s."
                )
                % {"d": _day(segment_since)},
                possible,
            )
    elif coverage_end is None or coverage_end >= on:
        # Still covered by the current segment: it must have ended first (DESIGN.md 4.6).
        possible = (coverage_end or on) + timedelta(days=1)
        if coverage_end is None:
            return Refusal(
                "SEGMENT_STILL_ACTIVE",
                _(
                    "The member is still covered in the current segment. A change to PBPU is "
                    "possible once that membership has ended (the employer or Dinas Sosial "
                    "reports it)."
                ),
            )
        return _wait(
            "SEGMENT_STILL_ACTIVE",
            _("The member is covered in the current segment until %(d)s.")
            % {"d": _day(coverage_end)},
            possible,
        )
    if family_pbpu_arrears:
        return Refusal(
            "SEGMENT_PBPU_ARREARS",
            _("The family has %(n)d months of unpaid PBPU contributions: pay them first.")
            % {"n": family_pbpu_arrears},
        )
    return None
