"""`manage.py import_facilities fktp.csv`: FKTP (code,name,kind,district_code,branch_code)."""

from pathlib import Path

from imports.services import FACILITY_COLUMNS, ImportReport, facilities_import

from ._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = "Import FKTP facilities from CSV; validated, idempotent. Branches first."
    columns = FACILITY_COLUMNS
    what = "FKTP"

    def run_import(self, rows: list[tuple[int, dict[str, str]]], path: Path) -> ImportReport:
        return facilities_import(rows=rows, progress=self.progress)
