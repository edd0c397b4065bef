"""`derive_status`: the order in which the rules are asked; the first that applies decides."""

from datetime import date

from django.utils.translation import gettext as _

from ..models import Participant, Reason, Status
from .reasons import coverage_ended, hold_result, owed_note, payment_result, ppu_refused
from .results import (
    CARE_CENTER,
    PANDAWA,
    PaymentUnit,
    StatusNote,
    StatusResult,
    long_date,
    nik_grace_ends,
)


def derive_status(
    participant: Participant,
    *,
    on: date,
    payment_unit: PaymentUnit | None = None,
    ppu_refusal: str = "",
) -> StatusResult:
    """Status of `participant` on day `on`. The first rule that applies decides the status and
    the reason: death, coverage period, PPU family rules, verification holds, the first
    payment, then arrears; what also holds is carried as notes (a hold and the amount owed,
    the denda window and a due month, a newborn's NIK not issued yet)."""
    p = participant
    if p.date_of_death and p.date_of_death <= on:
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.DECEASED,
            _("Recorded by Dukcapil as deceased on %(date)s.")
            % {"date": long_date(p.date_of_death)},
            _(
                "If this is wrong, have Dukcapil correct the death record first (bring the KTP "
                "and KK), then visit the BPJS Kesehatan branch office with Dukcapil's letter, "
                "or ask %(care)s or %(pandawa)s."
            )
            % {"care": CARE_CENTER, "pandawa": PANDAWA},
        )
    if p.coverage_start > on:
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.NOT_YET_COVERED,
            _("Coverage starts on %(date)s.") % {"date": long_date(p.coverage_start)},
            _("No action needed; the card is valid from that day."),
        )
    if p.coverage_end and p.coverage_end < on:
        return coverage_ended(p)
    if ppu_refusal:
        return ppu_refused(p, ppu_refusal)

    notes: list[StatusNote] = []
    hold = hold_result(p, on=on)
    if hold is not None:
        owed = owed_note(p, on=on, payment_unit=payment_unit)
        return _with_notes(hold, [owed] if owed else [])
    if not p.nik:
        notes.append(
            StatusNote(
                "NIK_NOT_ISSUED",
                _("NIK belum terbit: the card works meanwhile; register by %(date)s.")
                % {"date": long_date(nik_grace_ends(p))},
                until=nik_grace_ends(p),
            )
        )
    result = payment_result(p, on=on, payment_unit=payment_unit)
    return _with_notes(result, notes)


def _with_notes(result: StatusResult, notes: list[StatusNote]) -> StatusResult:
    if not notes:
        return result
    return StatusResult(
        result.status,
        result.reason,
        result.explanation,
        result.remedy,
        arrears_months=result.arrears_months,
        amount_due=result.amount_due,
        penalty_until=result.penalty_until,
        penalty_months=result.penalty_months,
        notes=result.notes + tuple(notes),
    )
