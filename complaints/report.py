"""The branch head's complaint report: complaints filed in a period by category and status,
median time to the branch's first reply, and the share closed without a reply from the
participant (closed by the 5-day job rather than marked done). A page with a bar chart drawn
as SVG on the server (no script), and the same figures as CSV."""

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any

from django import forms
from django.contrib.admin import AdminSite
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin import admin_user
from core.models import BranchOffice, User

from .models import Category, Complaint, ComplaintStatus
from .selectors import complaints_for_staff

STATUS_COLOURS = {
    ComplaintStatus.OPEN: "#b54708",
    ComplaintStatus.PENANGANAN: "#0b5aa2",
    ComplaintStatus.SELESAI: "#13795b",
    ComplaintStatus.CLOSED: "#667085",
}


class ReportForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Filed from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Filed until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    branch = forms.ModelChoiceField(
        label=gettext_lazy("Branch office"),
        queryset=BranchOffice.objects.all(),
        required=False,
        empty_label=gettext_lazy("all branches"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        if start and end and (end - start).days > 366:
            self.add_error("date_to", _("Choose a period of at most a year."))
        return data


@dataclass(frozen=True)
class CategoryRow:
    category: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Report:
    date_from: date
    date_to: date
    branch: BranchOffice | None
    rows: list[CategoryRow]
    total: int
    answered: int
    median_first_reply_hours: float | None
    finished: int
    closed_without_reply: int

    @property
    def closed_without_reply_share(self) -> float | None:
        if not self.finished:
            return None
        return round(100 * self.closed_without_reply / self.finished, 1)

    def status_totals(self) -> dict[str, int]:
        return {s: sum(r.counts[s] for r in self.rows) for s in ComplaintStatus.values}


def complaint_report(*, complaints: QuerySet[Complaint], date_from: date, date_to: date) -> Report:
    """Figures for complaints filed from `date_from` to `date_to` (both included, Jakarta
    dates) among `complaints` (already scoped to the caller's branch)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, time.min), tz)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min), tz)
    period = complaints.filter(created_at__gte=start, created_at__lt=end)
    counts = {
        (row["category"], row["status"]): row["n"]
        for row in period.values("category", "status").annotate(n=Count("id")).order_by()
    }
    rows = [
        CategoryRow(
            category=value,
            label=str(label),
            counts={s: counts.get((value, s), 0) for s in ComplaintStatus.values},
        )
        for value, label in Category.choices
    ]
    replied = period.filter(first_branch_reply_at__isnull=False)
    waits = [
        (first - filed).total_seconds() / 3600
        for filed, first in replied.values_list("created_at", "first_branch_reply_at")
        if first is not None
    ]
    finished = sum(counts.get((c, s), 0) for c in Category.values for s in ("SELESAI", "CLOSED"))
    closed = sum(counts.get((c, "CLOSED"), 0) for c in Category.values)
    return Report(
        date_from=date_from,
        date_to=date_to,
        branch=None,
        rows=rows,
        total=sum(counts.values()),
        answered=len(waits),
        median_first_reply_hours=round(median(waits), 1) if waits else None,
        finished=finished,
        closed_without_reply=closed,
    )


CHART_LABEL_WIDTH, CHART_BAR_WIDTH, CHART_ROW = 150, 430, 40


def _chart(report: Report) -> dict[str, Any]:
    """Bars per category, stacked by status, as SVG coordinates; the legend below them."""
    widest = max((r.total for r in report.rows), default=0) or 1
    bars = []
    for index, row in enumerate(report.rows):
        x, parts = float(CHART_LABEL_WIDTH), []
        for status in ComplaintStatus.values:
            width = CHART_BAR_WIDTH * row.counts[status] / widest
            if width:
                colour = STATUS_COLOURS[ComplaintStatus(status)]
                parts.append(
                    {
                        "x": round(x, 1),
                        "width": round(width, 1),
                        "colour": colour,
                        "n": row.counts[status],
                        "status": status,
                    }
                )
            x += width
        bars.append(
            {
                "label": row.label,
                "y": 10 + index * CHART_ROW,
                "parts": parts,
                "total": row.total,
                "total_x": round(x + 6, 1),
            }
        )
    legend_y = 20 + CHART_ROW * len(report.rows)
    legend = [
        {
            "label": str(label),
            "colour": STATUS_COLOURS[ComplaintStatus(value)],
            "x": i * 150,
            "y": legend_y,
        }
        for i, (value, label) in enumerate(ComplaintStatus.choices)
    ]
    return {"bars": bars, "legend": legend, "height": legend_y + 20}


def report_csv(report: Report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"pengaduan-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(["category", *ComplaintStatus.values, "total"])
    for row in report.rows:
        writer.writerow([row.category, *(row.counts[s] for s in ComplaintStatus.values), row.total])
    totals = report.status_totals()
    writer.writerow(["TOTAL", *(totals[s] for s in ComplaintStatus.values), report.total])
    writer.writerow([])
    writer.writerow(["period_from", report.date_from.isoformat()])
    writer.writerow(["period_to", report.date_to.isoformat()])
    writer.writerow(["branch", report.branch.name if report.branch else "all"])
    writer.writerow(["answered", report.answered])
    writer.writerow(
        [
            "median_hours_to_first_reply",
            report.median_first_reply_hours if report.median_first_reply_hours is not None else "",
        ]
    )
    writer.writerow(["finished", report.finished])
    writer.writerow(["closed_without_participant_reply", report.closed_without_reply])
    share = report.closed_without_reply_share
    writer.writerow(
        ["closed_without_participant_reply_percent", share if share is not None else ""]
    )
    return response


def report_view(request: HttpRequest, *, admin_site: AdminSite, opts: Any) -> HttpResponse:
    user: User = admin_user(request)
    today = timezone.localdate()
    form = ReportForm(
        request.GET or {"date_from": today.replace(day=1), "date_to": today},
    )
    if not user.is_superuser:
        del form.fields["branch"]
    report, chart = None, None
    if form.is_valid():
        complaints = complaints_for_staff(user=user)
        branch = form.cleaned_data.get("branch") or (None if user.is_superuser else user.branch)
        if branch is not None:
            complaints = complaints.filter(branch=branch)
        report = complaint_report(
            complaints=complaints,
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
        report = Report(**{**report.__dict__, "branch": branch})
        if request.GET.get("format") == "csv":
            return report_csv(report)
        chart = _chart(report)
    return TemplateResponse(
        request,
        "admin/complaints/complaint/report.html",
        {
            **admin_site.each_context(request),
            "opts": opts,
            "title": _("Complaint report"),
            "form": form,
            "report": report,
            "chart": chart,
            "statuses": ComplaintStatus.choices,
            "csv_query": f"{request.GET.urlencode()}&format=csv" if request.GET else "format=csv",
        },
        status=200 if form.is_valid() else 400,
    )
