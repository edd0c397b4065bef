"""One builder per reason: the status, what the participant is told and what to do, with the
amounts and dates that go with it. `derive.derive_status` decides which one applies."""

from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import rupiah

from ..contributions import (
    ARREARS_MONTHS_CAP,
    age_on,
    arrears_months,
    awaits_first_payment,
    month_index,
    month_start,
)
from ..models import Participant, Reason, RegistryHold, Segment, Status
from .results import (
    ADULT_AGE,
    CARE_CENTER,
    PANDAWA,
    PENALTY_MONTHS_CAP,
    PaymentUnit,
    StatusNote,
    StatusResult,
    long_date,
    month_year,
    nik_grace_ends,
)


def coverage_ended(p: Participant) -> StatusResult:
    assert p.coverage_end is not None
    if p.coverage_end_reason == Reason.PBI_DELISTED:
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.PBI_DELISTED,
            _("Removed from the PBI list (contributions paid by the government) on %(date)s.")
            % {"date": long_date(p.coverage_end)},
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
        % {"segment": p.segment.name, "date": long_date(p.coverage_end)},
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


def ppu_refused(p: Participant, refusal: str) -> StatusResult:
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


def hold_result(p: Participant, *, on: date) -> StatusResult | None:
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
            % {"months": settings.NEWBORN_NIK_GRACE_MONTHS, "date": long_date(p.birth_date)},
            _(
                "Register the birth at Dukcapil (birth certificate and the parents' KK) to get "
                'the NIK and the new KK, then tap "Sync family data" on this page, or bring the '
                "birth certificate and new KK to the branch office."
            ),
        )
    return None


def owed_note(p: Participant, *, on: date, payment_unit: PaymentUnit | None) -> StatusNote | None:
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


def payment_result(p: Participant, *, on: date, payment_unit: PaymentUnit | None) -> StatusResult:
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
                "due": long_date(due_month.replace(day=10)),
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
                "due": long_date(due_month.replace(day=10)),
            }
        return StatusResult(
            Status.AKTIF,
            Reason.PAYMENT_DUE,
            _("Active. The contribution for %(month)s is not paid yet.")
            % {"month": month_year(due_month)},
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
            _("Active again since %(date)s.") % {"date": long_date(p.reactivated_on or on)},
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
            "month": month_year(p.paid_through) if p.paid_through else ""
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
    ) % {"until": long_date(until), "months": _penalty_months(p)}
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
        ) % {"month": month_year(since)}
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
        remedy += " " + _("Payment opens on %(date)s.") % {"date": long_date(opens)}
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
        "since": month_year(first_unpaid),
        "stopped": long_date(month_start(month_index(first_unpaid) + 1)),
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
