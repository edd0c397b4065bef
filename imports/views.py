"""The imports as an admin page (superusers): the same CSV files and checks as the commands
(`manage.py import_branches|import_facilities|import_participants`), for operators without a
shell on the server."""

import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .services import (
    BRANCH_COLUMNS,
    FACILITY_COLUMNS,
    PARTICIPANT_COLUMNS,
    ImportRejected,
    ImportReport,
    branches_import,
    facilities_import,
    participants_import,
    read_csv,
)

KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "branches": (branches_import, BRANCH_COLUMNS),
    "facilities": (facilities_import, FACILITY_COLUMNS),
    "participants": (participants_import, PARTICIPANT_COLUMNS),
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


KIND_CHOICES = [
    ("branches", _("branch offices")),
    ("facilities", "FKTP"),
    ("participants", _("participants with their family cards")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("what"), choices=KIND_CHOICES)
    file = forms.FileField(label=_("CSV file (UTF-8)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("At most 20 MB; use the command for larger files."))
        return upload


def _run(kind: str, upload: Any) -> ImportReport:
    function, columns = KINDS[kind]
    text = io.TextIOWrapper(upload.file, encoding="utf-8-sig", newline="")
    try:
        rows = read_csv(text, columns=columns)
    except UnicodeDecodeError as error:
        raise ImportRejected([f"the file is not UTF-8 text ({error.reason})"]) from error
    if kind == "participants":
        return function(rows=rows, reason=f"import {upload.name} (admin)")
    return function(rows=rows)


def import_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    errors: list[str] = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            report = _run(kind, form.cleaned_data["file"])
        except ImportRejected as rejected:
            errors = rejected.errors
            messages.error(request, str(rejected.message))
        else:
            messages.success(
                request,
                _("%(what)s: %(created)d created, %(unchanged)d already there.")
                % {
                    "what": dict(KIND_CHOICES)[kind],
                    "created": report.created,
                    "unchanged": report.unchanged,
                },
            )
            return redirect("admin-imports")
    context = {
        **admin.site.each_context(request),
        "title": _("Import from CSV"),
        "form": form,
        "errors": errors[:200],
        "more_errors": max(0, len(errors) - 200),
        "columns": {kind: ", ".join(columns) for kind, (_f, columns) in KINDS.items()},
    }
    return render(request, "imports/import.html", context)
