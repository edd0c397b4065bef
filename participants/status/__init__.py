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

A package along its seams: `results` (the result types, the rules' constants, the denda and the
NIK grace date), `derive` (`derive_status`, the order in which the rules are asked) and `reasons`
(one builder per reason: what it says and what to do). Every name stays importable from here.
"""

from ..contributions import (
    ARREARS_MONTHS_CAP,
    age_on,
    arrears_months,
    awaits_first_payment,
    month_index,
    month_start,
)
from .derive import derive_status
from .results import (
    ADULT_AGE,
    CARE_CENTER,
    PANDAWA,
    PENALTY_AMOUNT_CAP,
    PENALTY_MONTHS_CAP,
    PENALTY_RATE_PERCENT,
    PaymentUnit,
    StatusNote,
    StatusResult,
    nik_grace_ends,
    penalty_amount,
)

__all__ = [
    "ADULT_AGE",
    "ARREARS_MONTHS_CAP",
    "CARE_CENTER",
    "PANDAWA",
    "PENALTY_AMOUNT_CAP",
    "PENALTY_MONTHS_CAP",
    "PENALTY_RATE_PERCENT",
    "PaymentUnit",
    "StatusNote",
    "StatusResult",
    "age_on",
    "arrears_months",
    "awaits_first_payment",
    "derive_status",
    "month_index",
    "month_start",
    "nik_grace_ends",
    "penalty_amount",
]
