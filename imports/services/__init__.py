"""Bulk imports for a new installation (issue 16, point 4): branch offices, FKTP facilities,
participants with their family cards, from CSV files.

Every import reads the whole file and validates every row first: with any error nothing is
written and every error is reported with its line. Rows are found by their natural key
(branch code, FKTP code, KK number, NIK), so running the same file again changes nothing: a
row that exists with the same values is "unchanged", with other values it is an error (an
import never silently overwrites what staff corrected). Participants are written family by
family, each in its own transaction, so an interrupted import resumes where it stopped.

A package: `common` (the report, the refusal, reading a CSV), `reference` (branch offices and
FKTP facilities) and `participants` (participants with their family cards). Every name stays
importable from `imports.services`.
"""

from .common import ImportRejected, ImportReport, Progress, read_csv
from .participants import PARTICIPANT_COLUMNS, participants_import
from .reference import BRANCH_COLUMNS, FACILITY_COLUMNS, branches_import, facilities_import

__all__ = [
    "BRANCH_COLUMNS",
    "FACILITY_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "ImportRejected",
    "ImportReport",
    "Progress",
    "branches_import",
    "facilities_import",
    "participants_import",
    "read_csv",
]
