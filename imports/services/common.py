"""What every import shares: the report, the refusal of a whole file, reading a CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

from core.errors import DomainError
from core.models import Region

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class ImportRejected(DomainError, code="IMPORT_REJECTED", http_status=400):
    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} rows are invalid; nothing was imported.")
        self.errors = errors


def read_csv(stream: IO[str], *, columns: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; the header must name every column."""
    reader = csv.DictReader(stream)
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected([f"line 1: missing columns: {', '.join(missing)}"])
    return [
        (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
    ]


def no_progress(done: int, total: int) -> None:
    return None


def region_codes(level: int) -> set[str]:
    return set(Region.objects.filter(level=level).values_list("code", flat=True))
