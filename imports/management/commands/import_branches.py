"""`manage.py import_branches branches.csv`: branch offices (code,name,regency_code)."""

from pathlib import Path

from imports.services import BRANCH_COLUMNS, ImportReport, branches_import

from ._csv_import import CsvImportCommand


class Command(CsvImportCommand):
    help = "Import branch offices (Kantor Cabang) from CSV; validated, idempotent."
    columns = BRANCH_COLUMNS
    what = "branch offices"

    def run_import(self, rows: list[tuple[int, dict[str, str]]], path: Path) -> ImportReport:
        return branches_import(rows=rows, progress=self.progress)
