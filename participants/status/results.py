"""What a status is (the result types), the rules' constants, and the small rules more than
one reason needs: the denda amount, the end of a newborn's NIK grace, dates in words."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import formats

from ..contributions import month_index, month_start
from ..models import Participant, Reason, Status

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


def month_year(day: date) -> str:
    return formats.date_format(day, "F Y")


def long_date(day: date) -> str:
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
