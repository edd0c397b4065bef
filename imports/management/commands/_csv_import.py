"""The shared shape of the import commands: read the CSV, run the import with progress lines,
print every error with its line and exit 1 when the file was rejected (nothing written)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.services import ImportRejected, ImportReport, read_csv


class CsvImportCommand(BaseCommand):
    columns: tuple[str, ...] = ()
    what = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=f"CSV (UTF-8) with the columns {', '.join(self.columns)}")

    def run_import(self, rows: list[tuple[int, dict[str, str]]], path: Path) -> ImportReport:
        raise NotImplementedError

    def progress(self, done: int, total: int) -> None:
        self.stdout.write(f"{self.what}: {done}/{total}")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                rows = read_csv(stream, columns=self.columns)
            self.stdout.write(f"{path.name}: {len(rows)} rows, validating")
            report = self.run_import(rows, path)
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        except ImportRejected as rejected:
            for line in rejected.errors[:100]:
                self.stderr.write(line)
            if len(rejected.errors) > 100:
                self.stderr.write(f"... and {len(rejected.errors) - 100} more")
            raise CommandError(f"{path.name}: {rejected.message}") from rejected
        self.stdout.write(
            self.style.SUCCESS(
                f"{self.what}: {report.created} created, {report.unchanged} already there"
            )
        )
