"""The one function that derives a participant's status, reason, remedy and the further
facts that hold at the same time (DESIGN.md 4.4).

It reads only facts stored on the participant, plus what the caller computed for the family
with `participants.contributions` (the paying unit's amounts and VA, a PPU refusal), and never
writes. `participants.services` stores its result and records each change.

Rules (Perpres 64/2020 Pasal 39 and 42; Perpres 82/2018 Pasal 4 and 16):
- iuran for month M is due by the 10th of M, without late fee;
- unpaid at the end of M: coverage stops from the 1st of M+1 (TIDAK AKTIF, ARREARS), 42(1);
- reactivation pays the arrears, at most 24 months counted, plus the current month, 42(3);
- a new PBPU participant is covered from the first payment (AWAITING_FIRST_PAYMENT); a
  newborn from birth once their iuran is paid, owed from the month of birth;
- for 45 days after reactivation, hospital inpatient care carries the denda pelayanan, 42(5):
  5% x INA-CBG cost x months in arrears (at most 12), capped at Rp30.000.000, 42(6).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from core.formatting import rupiah

from .contributions import (
    ARREARS_MONTHS_CAP,
    age_on,
    arrears_months,
    awaits_first_payment,
    month_index,
    month_start,
)
from .models import Participant, Reason, RegistryHold, Segment, Status

PENALTY_RATE_PERCENT = 5
PENALTY_MONTHS_CAP = 12  # Perpres 64/2020 Pasal 42(6)
PENALTY_AMOUNT_CAP = 30_000_000  # Pasal 42(6)
ADULT_AGE = 17  # the age of the KTP: a person without a NIK from then on is an adult case

# Channels a person can use today (DESIGN.md 4.4: the portal action where one exists).
CARE_CENTER = "Care Center 165"
PANDAWA = "PANDAWA (WhatsApp 0811-8165-165)"


@dataclass(frozen=True)
class PaymentUnit:
    """What the family's virtual account takes: this month's amount and what a payment now
    must cover (`participants.contributions.family_charges`)."""

    monthly_amount: int
    virtual_account: str
    amount_due: int | None = None


@dataclass(frozen=True)
class StatusNote:
    """A further fact that holds beside the status (DESIGN.md 4.4), with its amount or date."""

    code: str
    text: str
    amount: int | None = None
    until: date | None = None


@dataclass(frozen=True)
class StatusResult:
    status: str
    reason: str
    explanation: str
    remedy: str
    arrears_months: int = 0
    amount_due: int | None = None
    penalty_until: date | None = None
    penalty_months: int = 0
    notes: tuple[StatusNote, ...] = ()

    @property
    def colour(self) -> str:
        return {
            Status.AKTIF: "green",
            Status.TIDAK_AKTIF: "red",
            Status.PENANGGUHAN: "amber",
        }[Status(self.status)]

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def has_penalty(self) -> bool:
        return self.reason == Reason.REACTIVATION_PENALTY or any(
            n.code == Reason.REACTIVATION_PENALTY for n in self.notes
        )


def _month_name(day: date) -> str:
    return formats.date_format(day, "F Y")


def _day(day: date) -> str:
    return formats.date_format(day, "j F Y")


def penalty_amount(*, inacbg_cost: int, months_in_arrears: int) -> int:
    """Denda pelayanan for one inpatient stay within the 45 days of Perpres 64/2020 Pasal
    42(5): 5% x cost x months in arrears (at most 12), at most Rp30.000.000 (42(6))."""
    months = min(months_in_arrears, PENALTY_MONTHS_CAP)
    return min(inacbg_cost * PENALTY_RATE_PERCENT * months // 100, PENALTY_AMOUNT_CAP)


def nik_grace_ends(p: Participant) -> date:
    """A newborn may wait this long for the NIK before the membership is put on hold."""
    index = month_index(p.birth_date) + settings.NEWBORN_NIK_GRACE_MONTHS
    day = min(p.birth_date.day, 28)
    return month_start(index).replace(day=day)


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
            _("Recorded by Dukcapil as deceased on %(date)s.") % {"date": _day(p.date_of_death)},
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
            _("Coverage starts on %(date)s.") % {"date": _day(p.coverage_start)},
            _("No action needed; the card is valid from that day."),
        )
    if p.coverage_end and p.coverage_end < on:
        return _coverage_ended(p)
    if ppu_refusal:
        return _ppu_refused(p, ppu_refusal)

    notes: list[StatusNote] = []
    hold = _hold_result(p, on=on)
    if hold is not None:
        owed = _owed_note(p, on=on, payment_unit=payment_unit)
        return _with_notes(hold, [owed] if owed else [])
    if not p.nik:
        notes.append(
            StatusNote(
                "NIK_NOT_ISSUED",
                _("NIK belum terbit: the card works meanwhile; register by %(date)s.")
                % {"date": _day(nik_grace_ends(p))},
                until=nik_grace_ends(p),
            )
        )
    result = _payment_result(p, on=on, payment_unit=payment_unit)
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


def _coverage_ended(p: Participant) -> StatusResult:
    assert p.coverage_end is not None
    if p.coverage_end_reason == Reason.PBI_DELISTED:
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.PBI_DELISTED,
            _("Removed from the PBI list (contributions paid by the government) on %(date)s.")
            % {"date": _day(p.coverage_end)},
            _(
                "Ask the local social affairs office (Dinas Sosial) to be listed again, with "
                "the KTP and KK. Or become a PBPU (Mandiri) participant: bring the KTP and KK to "
                "the branch office (or ask %(care)s); you are covered again from the first "
                "payment."
            )
            % {"care": CARE_CENTER},
        )
    return StatusResult(
        Status.TIDAK_AKTIF,
        Reason.SEGMENT_ENDED,
        _("Membership in segment %(segment)s ended on %(date)s.")
        % {"segment": p.segment.name, "date": _day(p.coverage_end)},
        _(
            "Change segment at the branch office with the KTP and KK: to PBPU (Mandiri), or "
            "to PPU with a letter from the new employer. Questions: %(care)s or %(pandawa)s."
        )
        % {"care": CARE_CENTER, "pandawa": PANDAWA},
    )


_PPU_REFUSALS = {
    "OTHER_RELATIVE": lambda: _("Other relatives cannot be PPU family members."),
    "CHILD_OVER_AGE": lambda: _(
        "A child is a PPU family member until 21, or until 25 while in formal education."
    ),
    "CHILD_MARRIED": lambda: _("A married child is no longer a PPU family member."),
    "SECOND_SPOUSE": lambda: _("The PPU contribution covers one spouse."),
}


def _ppu_refused(p: Participant, refusal: str) -> StatusResult:
    why = _PPU_REFUSALS.get(refusal, _PPU_REFUSALS["OTHER_RELATIVE"])()
    return StatusResult(
        Status.TIDAK_AKTIF,
        Reason.PPU_NOT_DEPENDANT,
        _(
            "%(why)s The worker's PPU contribution covers the spouse and three children; only "
            "further children, parents and parents-in-law may join for 1%% of the salary."
        )
        % {"why": why},
        _(
            "Register as a PBPU (Mandiri) participant: bring the KTP and KK to the branch office, "
            "or ask %(care)s. A child still at school: bring the school's letter to the branch "
            "office."
        )
        % {"care": CARE_CENTER},
    )


def _hold_result(p: Participant, *, on: date) -> StatusResult | None:
    if p.registry_hold == RegistryHold.DUKCAPIL_MISMATCH:
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.DUKCAPIL_MISMATCH,
            _("Data differs from the population registry (Dukcapil): %(note)s")
            % {"note": p.hold_note or _("name or birth date")},
            _(
                'Tap "Sync family data" on this page to compare with Dukcapil again; if '
                "Dukcapil's data is wrong, correct it at Dukcapil first. Or visit the branch "
                "office with the KTP and KK."
            ),
        )
    if p.registry_hold == RegistryHold.DUPLICATE_NIK:
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.DUPLICATE_NIK,
            _("This NIK is recorded on more than one membership. %(note)s") % {"note": p.hold_note},
            _(
                "Bring the KTP, KK and both JKN cards to the branch office so that staff "
                "correct the records, or report it through %(pandawa)s with photos of them."
            )
            % {"pandawa": PANDAWA},
        )
    if p.registry_hold == RegistryHold.NIK_NOT_FOUND:
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.NIK_NOT_FOUND,
            _("The NIK is not found in the population registry (Dukcapil)."),
            _(
                "Check the NIK on the KTP and KK; have it corrected at Dukcapil, then tap "
                '"Sync family data" on this page, or visit the branch office with the KTP and KK.'
            ),
        )
    if not p.nik and on >= nik_grace_ends(p):
        if age_on(p.birth_date, on) >= ADULT_AGE:
            return StatusResult(
                Status.PENANGGUHAN,
                Reason.NIK_MISSING,
                _("No NIK is recorded for this participant."),
                _(
                    "Bring the KTP-el and KK to the branch office, or send them through "
                    "%(pandawa)s, so that the NIK is recorded and checked with Dukcapil."
                )
                % {"pandawa": PANDAWA},
            )
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.NEWBORN_UNREGISTERED,
            _("Still no NIK %(months)d months after birth (born %(date)s).")
            % {"months": settings.NEWBORN_NIK_GRACE_MONTHS, "date": _day(p.birth_date)},
            _(
                "Register the birth at Dukcapil (birth certificate and the parents' KK) to get "
                'the NIK and the new KK, then tap "Sync family data" on this page, or bring the '
                "birth certificate and new KK to the branch office."
            ),
        )
    return None


def _owed_note(p: Participant, *, on: date, payment_unit: PaymentUnit | None) -> StatusNote | None:
    """Arrears or a due first payment beside a hold: shown with the amount (DESIGN.md 4.4)."""
    if p.segment.is_state_paid:
        return None
    months = arrears_months(p, on=on)
    amount = payment_unit.amount_due if payment_unit else None
    if months >= 1:
        return StatusNote(
            Reason.ARREARS,
            _("Also %(months)d months of unpaid contributions: %(amount)s to pay.")
            % {"months": months, "amount": rupiah(amount) if amount else "-"},
            amount=amount,
        )
    if awaits_first_payment(p):
        return StatusNote(
            Reason.AWAITING_FIRST_PAYMENT,
            _("The first payment is also still due: %(amount)s.")
            % {"amount": rupiah(amount) if amount else "-"},
            amount=amount,
        )
    return None


def _payment_result(p: Participant, *, on: date, payment_unit: PaymentUnit | None) -> StatusResult:
    if awaits_first_payment(p):
        return _first_payment_result(p, on=on, payment_unit=payment_unit)
    months = arrears_months(p, on=on)
    if months >= 1:
        return _arrears_result(p, on=on, months=months, payment_unit=payment_unit)

    penalty = _penalty_note(p, on=on)
    if not p.segment.is_state_paid and (
        p.paid_through is None or month_index(p.paid_through) < month_index(on)
    ):
        due_month = month_start(month_index(on))
        amount = payment_unit.amount_due if payment_unit else None
        remedy = _("Pay by the 10th; coverage stops on the 1st of next month if it stays unpaid.")
        if p.segment.payer == Segment.Payer.EMPLOYER and payment_unit and amount:
            remedy = _(
                "The employer pays %(amount)s for this month to virtual account %(va)s by "
                "%(due)s (the worker's 1%% shares are deducted from the salary)."
            ) % {
                "amount": rupiah(amount),
                "va": payment_unit.virtual_account,
                "due": _day(due_month.replace(day=10)),
            }
        elif p.segment.payer == Segment.Payer.EMPLOYER:
            remedy = _("The employer pays this month's contribution by the 10th.")
        elif payment_unit and amount:
            remedy = _(
                "Pay %(amount)s to virtual account %(va)s by %(due)s; coverage stops on the "
                "1st of next month if it stays unpaid."
            ) % {
                "amount": rupiah(amount),
                "va": payment_unit.virtual_account,
                "due": _day(due_month.replace(day=10)),
            }
        return StatusResult(
            Status.AKTIF,
            Reason.PAYMENT_DUE,
            _("Active. The contribution for %(month)s is not paid yet.")
            % {"month": _month_name(due_month)},
            remedy,
            amount_due=amount,
            penalty_until=penalty.until if penalty else None,
            penalty_months=_penalty_months(p) if penalty else 0,
            notes=(penalty,) if penalty else (),
        )

    if penalty is not None:
        return StatusResult(
            Status.AKTIF,
            Reason.REACTIVATION_PENALTY,
            _("Active again since %(date)s.") % {"date": _day(p.reactivated_on or on)},
            penalty.text,
            penalty_until=penalty.until,
            penalty_months=_penalty_months(p),
        )

    if p.segment.is_state_paid:
        explanation = _("Active. Contributions are paid by the government.")
    elif p.segment.payer == Segment.Payer.EMPLOYER:
        explanation = _("Active. Contributions are paid through the employer.")
    else:
        explanation = _("Active. Contributions are paid up to %(month)s.") % {
            "month": _month_name(p.paid_through) if p.paid_through else ""
        }
    return StatusResult(Status.AKTIF, Reason.ACTIVE, explanation, "")


def _penalty_months(p: Participant) -> int:
    return min(p.reactivation_arrears_months, PENALTY_MONTHS_CAP)


def _penalty_note(p: Participant, *, on: date) -> StatusNote | None:
    """The 45 days after reactivation (Perpres 64/2020 Pasal 42(5))."""
    window = settings.PENALTY_WINDOW_DAYS
    if not (p.reactivated_on and on < p.reactivated_on + timedelta(days=window)):
        return None
    until = p.reactivated_on + timedelta(days=window - 1)
    text = _(
        "Until %(until)s, hospital inpatient care carries a service penalty (denda "
        "pelayanan): 5%% of the INA-CBG cost x %(months)d months, at most Rp30.000.000."
    ) % {"until": _day(until), "months": _penalty_months(p)}
    if p.segment.payer == Segment.Payer.EMPLOYER:
        text += " " + _("The employer pays it.")
    return StatusNote(Reason.REACTIVATION_PENALTY, text, until=until)


def _first_payment_result(
    p: Participant, *, on: date, payment_unit: PaymentUnit | None
) -> StatusResult:
    amount = payment_unit.amount_due if payment_unit else None
    since = month_start(month_index(p.coverage_start))
    explanation = _("Registered; not covered until the first payment is confirmed.")
    if p.birth_date >= p.coverage_start:
        explanation = _(
            "Newborn registered; covered from birth once the contributions from %(month)s are paid."
        ) % {"month": _month_name(since)}
    if p.segment.payer == Segment.Payer.EMPLOYER:
        remedy = _(
            "The employer registers and pays the first contribution: ask the employer's HR, "
            "or %(care)s."
        ) % {"care": CARE_CENTER}
        return StatusResult(Status.TIDAK_AKTIF, Reason.AWAITING_FIRST_PAYMENT, explanation, remedy)
    opens = (
        p.created_at.date() + timedelta(days=settings.FIRST_PAYMENT_WAITING_DAYS)
        if (p.created_at)
        else on
    )
    if payment_unit and amount:
        remedy = _(
            "Pay %(amount)s to virtual account %(va)s; coverage starts as soon as the payment "
            "is confirmed."
        ) % {"amount": rupiah(amount), "va": payment_unit.virtual_account}
    else:
        remedy = _(
            "Pay the first contribution to the family's virtual account; coverage starts as "
            "soon as the payment is confirmed."
        )
    if opens > on:
        remedy += " " + _("Payment opens on %(date)s.") % {"date": _day(opens)}
    return StatusResult(
        Status.TIDAK_AKTIF,
        Reason.AWAITING_FIRST_PAYMENT,
        explanation,
        remedy,
        amount_due=amount,
    )


def _arrears_result(
    p: Participant, *, on: date, months: int, payment_unit: PaymentUnit | None
) -> StatusResult:
    counted = min(months, ARREARS_MONTHS_CAP)
    first_unpaid = month_start(month_index(on) - months)
    explanation = _(
        "%(months)d months of unpaid contributions (since %(since)s); coverage stopped on "
        "%(stopped)s."
    ) % {
        "months": months,
        "since": _month_name(first_unpaid),
        "stopped": _day(month_start(month_index(first_unpaid) + 1)),
    }
    if p.segment.payer == Segment.Payer.EMPLOYER:
        remedy = _(
            "Your employer has not paid the contributions: ask the employer's HR to pay the "
            "arrears, or report it to %(care)s or the branch office."
        ) % {"care": CARE_CENTER}
        return StatusResult(
            Status.TIDAK_AKTIF, Reason.ARREARS, explanation, remedy, arrears_months=months
        )
    amount = payment_unit.amount_due if payment_unit else None
    if payment_unit and amount:
        # Perpres 64/2020 Pasal 42(3): at most 24 months of arrears, plus the current month.
        remedy = _(
            "Pay %(amount)s (%(counted)d months of arrears + this month) to virtual account "
            "%(va)s; the family is active again as soon as the payment is confirmed."
        ) % {"amount": rupiah(amount), "counted": counted, "va": payment_unit.virtual_account}
    else:
        remedy = _(
            "Pay %(counted)d months of arrears plus this month to the family's virtual account; "
            "the family is active again as soon as the payment is confirmed."
        ) % {"counted": counted}
    if months > counted:
        remedy += " " + _("Arrears beyond %(cap)d months are not charged.") % {
            "cap": ARREARS_MONTHS_CAP
        }
    return StatusResult(
        Status.TIDAK_AKTIF,
        Reason.ARREARS,
        explanation,
        remedy,
        arrears_months=months,
        amount_due=amount,
    )
