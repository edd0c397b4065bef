"""The one function that derives a participant's status, reason and remedy (DESIGN.md 4.4).

It reads only facts stored on the participant (and, for the amount to pay, the family's
payment unit handed in by the caller) and never writes. `participants.services` stores its
result and records each change.

Rules (Perpres 64/2020 Pasal 42):
- iuran for month M is due by the 10th of M, without late fee;
- unpaid at the end of M: coverage stops from the 1st of M+1 (TIDAK AKTIF, ARREARS);
- reactivation pays the arrears, at most 24 months counted, plus the current month;
- for 45 days after reactivation, hospital inpatient care carries the denda pelayanan:
  5% x INA-CBG cost x months in arrears (at most 12), capped at Rp30.000.000.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from core.formatting import rupiah

from .models import Participant, Reason, RegistryHold, Segment, Status

PENALTY_RATE_PERCENT = 5
PENALTY_MONTHS_CAP = 12  # Perpres 64/2020 Pasal 42(5)
PENALTY_AMOUNT_CAP = 30_000_000


@dataclass(frozen=True)
class PaymentUnit:
    """Who pays together: a PBPU/BP family pays one bill for all members (DESIGN.md 4.4)."""

    monthly_amount: int
    virtual_account: str


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
        return self.reason == Reason.REACTIVATION_PENALTY


def month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _month_name(day: date) -> str:
    return formats.date_format(day, "F Y")


def _day(day: date) -> str:
    return formats.date_format(day, "j F Y")


def arrears_months(participant: Participant, *, on: date) -> int:
    """Whole unpaid months before the month of `on` (the current month is not arrears)."""
    if participant.segment.is_state_paid:
        return 0
    last_paid = (
        month_index(participant.paid_through)
        if participant.paid_through
        else month_index(participant.coverage_start) - 1
    )
    return max(0, month_index(on) - last_paid - 1)


def is_billed(participant: Participant, *, on: date) -> bool:
    """Whether the family still pays for this member on `on`: not after death or the end of
    coverage (the same facts that make derive_status answer DECEASED, SEGMENT_ENDED or
    PBI_DELISTED)."""
    p = participant
    if p.date_of_death and p.date_of_death <= on:
        return False
    return not (p.coverage_end and p.coverage_end < on)


def penalty_amount(*, inacbg_cost: int, months_in_arrears: int) -> int:
    """Denda pelayanan for one inpatient stay (Perpres 64/2020 Pasal 42(5))."""
    months = min(months_in_arrears, PENALTY_MONTHS_CAP)
    return min(inacbg_cost * PENALTY_RATE_PERCENT * months // 100, PENALTY_AMOUNT_CAP)


def derive_status(
    participant: Participant, *, on: date, payment_unit: PaymentUnit | None = None
) -> StatusResult:
    """Status of `participant` on day `on`. The first rule that applies wins: death, coverage
    period, verification holds, then payment."""
    p = participant
    if p.date_of_death and p.date_of_death <= on:
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.DECEASED,
            _("Recorded by Dukcapil as deceased on %(date)s.") % {"date": _day(p.date_of_death)},
            _(
                "If this is wrong, visit the branch office with the KTP and KK so that the "
                "record is corrected at Dukcapil."
            ),
        )
    if p.coverage_start > on:
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.NOT_YET_COVERED,
            _("Coverage starts on %(date)s.") % {"date": _day(p.coverage_start)},
            _("No action needed; the card is valid from that day."),
        )
    if p.coverage_end and p.coverage_end < on:
        if p.coverage_end_reason == Reason.PBI_DELISTED:
            return StatusResult(
                Status.TIDAK_AKTIF,
                Reason.PBI_DELISTED,
                _("Removed from the PBI list (contributions paid by the government) on %(date)s.")
                % {"date": _day(p.coverage_end)},
                _(
                    "Ask the local social affairs office (Dinas Sosial) to be listed again, "
                    "or change to the PBPU (Mandiri) segment and pay the first month."
                ),
            )
        return StatusResult(
            Status.TIDAK_AKTIF,
            Reason.SEGMENT_ENDED,
            _("Membership in segment %(segment)s ended on %(date)s.")
            % {"segment": p.segment.name, "date": _day(p.coverage_end)},
            _(
                "Change segment (for example to PBPU/Mandiri, or to PPU with a new employer) "
                "through Ubah Data or at the branch office."
            ),
        )
    if p.registry_hold == RegistryHold.DUKCAPIL_MISMATCH:
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.DUKCAPIL_MISMATCH,
            _("Data differs from the population registry (Dukcapil): %(note)s")
            % {"note": p.hold_note or _("name or birth date")},
            _(
                "Request a data re-sync with Dukcapil; if the registry is wrong, correct it at "
                "Dukcapil first, or visit the branch office with the KK and KTP."
            ),
        )
    if p.registry_hold == RegistryHold.DUPLICATE_NIK:
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.DUPLICATE_NIK,
            _("This NIK is recorded on more than one membership. %(note)s") % {"note": p.hold_note},
            _("Visit the branch office with the KK and KTP so that the records are merged."),
        )
    if p.registry_hold == RegistryHold.NIK_NOT_FOUND:
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.NIK_NOT_FOUND,
            _("The NIK is not found in the population registry (Dukcapil)."),
            _(
                "Check the NIK on the KTP/KK; have it corrected at Dukcapil, then request a "
                "data re-sync."
            ),
        )
    if not p.nik:
        deadline = p.birth_date + timedelta(days=28)
        return StatusResult(
            Status.PENANGGUHAN,
            Reason.NEWBORN_UNREGISTERED,
            _("Newborn without a NIK yet (born %(date)s).") % {"date": _day(p.birth_date)},
            _(
                "Register the birth at Dukcapil (birth certificate and new KK); the NIK is "
                "added here once Dukcapil issues it. Register and pay by %(deadline)s."
            )
            % {"deadline": _day(deadline)},
        )

    months = arrears_months(p, on=on)
    if months >= 1:
        return _arrears_result(p, on=on, months=months, payment_unit=payment_unit)

    if p.reactivated_on and on < p.reactivated_on + timedelta(days=settings.PENALTY_WINDOW_DAYS):
        until = p.reactivated_on + timedelta(days=settings.PENALTY_WINDOW_DAYS - 1)
        penalty_months = min(p.reactivation_arrears_months, PENALTY_MONTHS_CAP)
        return StatusResult(
            Status.AKTIF,
            Reason.REACTIVATION_PENALTY,
            _("Active again since %(date)s.") % {"date": _day(p.reactivated_on)},
            _(
                "Until %(until)s, hospital inpatient care carries a service penalty (denda "
                "pelayanan): 5%% of the INA-CBG cost x %(months)d months, at most Rp30.000.000."
            )
            % {"until": _day(until), "months": penalty_months},
            penalty_until=until,
            penalty_months=penalty_months,
        )

    if not p.segment.is_state_paid and (
        p.paid_through is None or month_index(p.paid_through) < month_index(on)
    ):
        due_month = month_start(month_index(on))
        amount = payment_unit.monthly_amount if payment_unit else None
        remedy = _("Pay by the 10th; coverage stops on the 1st of next month if it stays unpaid.")
        if payment_unit:
            remedy = _(
                "Pay %(amount)s to virtual account %(va)s by %(due)s; coverage stops on the "
                "1st of next month if it stays unpaid."
            ) % {
                "amount": rupiah(payment_unit.monthly_amount),
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


def _arrears_result(
    p: Participant, *, on: date, months: int, payment_unit: PaymentUnit | None
) -> StatusResult:
    counted = min(months, settings.ARREARS_MONTHS_CAP)
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
            "arrears, or visit the branch office."
        )
        return StatusResult(
            Status.TIDAK_AKTIF, Reason.ARREARS, explanation, remedy, arrears_months=months
        )
    amount = None
    if payment_unit:
        # Perpres 64/2020 Pasal 42(3): at most 24 months of arrears, plus the current month.
        amount = (counted + 1) * payment_unit.monthly_amount
        remedy = _(
            "Pay %(amount)s (%(counted)d months of arrears + this month) to virtual account "
            "%(va)s; the family is active again as soon as the payment is confirmed."
        ) % {"amount": rupiah(amount), "counted": counted, "va": payment_unit.virtual_account}
        if months > counted:
            remedy += " " + _("Arrears beyond %(cap)d months are not charged.") % {
                "cap": settings.ARREARS_MONTHS_CAP
            }
    else:
        remedy = _(
            "Pay %(counted)d months of arrears plus this month to the family's virtual account; "
            "the family is active again as soon as the payment is confirmed."
        ) % {"counted": counted}
    return StatusResult(
        Status.TIDAK_AKTIF,
        Reason.ARREARS,
        explanation,
        remedy,
        arrears_months=months,
        amount_due=amount,
    )
