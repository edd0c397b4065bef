"""`manage.py import_participants peserta.csv`: participants with their family cards, one row
per member (columns: PARTICIPANT_COLUMNS in imports/services/participants.py;
docs/operations.md shows an example). Validated as a whole first; written family by family,
so a second run resumes."""

from pathlib import Path

from imports.services import PARTICIPANT_COLUMNS, ImportReport, participants_import

from ._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = "Import participants with their families (KK) from CSV; validated, idempotent."
    columns = PARTICIPANT_COLUMNS
    what = "families"

    def run_import(self, rows: list[tuple[int, dict[str, str]]], path: Path) -> ImportReport:
        report = participants_import(
            rows=rows, reason=f"import {path.name}", progress=self.progress
        )
        self.what = "participants"
        return report
