"""Set-up data of an installation: branch offices and FKTP facilities, all or nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from core.models import BranchOffice, Region
from participants.models import Facility

from .common import ImportRejected, ImportReport, Progress, no_progress, region_codes

BRANCH_COLUMNS = ("code", "name", "regency_code")
FACILITY_COLUMNS = ("code", "name", "kind", "district_code", "branch_code")


def _code_problems(code: str, *, max_length: int, seen: set[str]) -> list[str]:
    problems = []
    if not code or len(code) > max_length:
        problems.append(f"code must be 1 to {max_length} characters")
    if code in seen:
        problems.append(f"code {code} appears twice in the file")
    seen.add(code)
    return problems


def _create_all(
    model: type[Model], todo: list[Any], *, report: ImportReport, rows: int, progress: Progress
) -> ImportReport:
    """All or nothing: any error rejects the file; else the new rows in one transaction."""
    if report.errors:
        raise ImportRejected(report.errors)
    with transaction.atomic():
        model._default_manager.bulk_create(todo)
    report.created = len(todo)
    progress(rows, rows)
    return report


# --- branch offices -----------------------------------------------------------------------


def branches_import(
    *, rows: list[tuple[int, dict[str, str]]], progress: Progress = no_progress
) -> ImportReport:
    report = ImportReport()
    regencies = region_codes(Region.Level.REGENCY)
    existing = {b.code: b for b in BranchOffice.objects.all()}
    todo: list[BranchOffice] = []
    seen: set[str] = set()
    for line, row in rows:
        code, name, regency = row["code"], row["name"], row["regency_code"]
        problems = _code_problems(code, max_length=8, seen=seen)
        if not name:
            problems.append("name is empty")
        if regency not in regencies:
            problems.append(f"regency_code {regency!r} is not a Kemendagri regency")
        if problems:
            report.errors.append(f"line {line}: {'; '.join(problems)}")
            continue
        current = existing.get(code)
        if current is None:
            todo.append(BranchOffice(code=code, name=name, regency_id=regency))
        elif (current.name, current.regency_id) == (name, regency):
            report.unchanged += 1
        else:
            report.errors.append(f"line {line}: branch {code} exists with other values")
    return _create_all(BranchOffice, todo, report=report, rows=len(rows), progress=progress)


# --- FKTP facilities ------------------------------------------------------------------------


def facilities_import(
    *, rows: list[tuple[int, dict[str, str]]], progress: Progress = no_progress
) -> ImportReport:
    report = ImportReport()
    districts = region_codes(Region.Level.DISTRICT)
    branches = dict(BranchOffice.objects.values_list("code", "pk"))
    existing = {f.code: f for f in Facility.objects.all()}
    todo: list[Facility] = []
    seen: set[str] = set()
    for line, row in rows:
        code, kind, district, branch = (
            row["code"],
            row["kind"],
            row["district_code"],
            row["branch_code"],
        )
        problems = _code_problems(code, max_length=12, seen=seen)
        if not row["name"]:
            problems.append("name is empty")
        if kind not in Facility.Kind.values:
            problems.append(f"kind must be one of {', '.join(Facility.Kind.values)}")
        if district not in districts:
            problems.append(f"district_code {district!r} is not a Kemendagri district")
        if branch not in branches:
            problems.append(f"branch_code {branch!r} is not a branch office (import it first)")
        if problems:
            report.errors.append(f"line {line}: {'; '.join(problems)}")
            continue
        values = (row["name"], kind, district, branches[branch])
        current = existing.get(code)
        if current is None:
            todo.append(
                Facility(
                    code=code,
                    name=values[0],
                    kind=kind,
                    district_id=district,
                    branch_id=branches[branch],
                )
            )
        elif (current.name, current.kind, current.district_id, current.branch_id) == values:
            report.unchanged += 1
        else:
            report.errors.append(f"line {line}: FKTP {code} exists with other values")
    return _create_all(Facility, todo, report=report, rows=len(rows), progress=progress)
