"""Tables of the ingest pages."""

from __future__ import annotations

from django.urls import reverse
from django.utils.timezone import localtime

from commonground.utilities.tables import Column, Table


def _total_rows(sub: object) -> int:
    counts = getattr(sub, "row_counts", {}) or {}
    return sum(int(n) for n in counts.values())


def _issue_count(sub: object, severity: str) -> int:
    report = getattr(sub, "report", {}) or {}
    return int(report.get("summary", {}).get(severity, 0))


class SubmissionTable(Table):
    """Submissions: when, from whom, which format, what became of them and how many rows."""

    default_sort = "-submitted"
    columns = (
        Column(
            "id",
            "Submission",
            lambda s: f"#{s.pk}",
            lambda s: reverse("ingest:submission_detail", args=[s.pk]),
            ("id",),
        ),
        Column(
            "submitted",
            "Sent",
            lambda s: localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M"),
            order_by=("submitted_at",),
        ),
        Column(
            "organization",
            "Organization",
            lambda s: s.organization.name,
            order_by=("organization__name", "-submitted_at"),
        ),
        Column("system", "System", lambda s: s.system.name if s.system else "—"),
        Column("format", "Format", lambda s: s.get_format_display(), order_by=("format", "-submitted_at")),
        Column("status", "Status", lambda s: s.get_status_display(), order_by=("status", "-submitted_at")),
        Column("dataset", "Tables", lambda s: s.dataset.replace("+", ", ") or "—"),
        Column("rows", "Rows", _total_rows),
        Column("errors", "Errors", lambda s: _issue_count(s, "errors")),
        Column("warnings", "Warnings", lambda s: _issue_count(s, "warnings")),
    )
