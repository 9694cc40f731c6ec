"""What the submission report page shows: status in plain words, rows, completeness charts, paged issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.urls import reverse

from commonground.ingest import charts
from commonground.ingest.choices import SubmissionStatus
from commonground.ingest.models import Submission

ISSUES_PER_PAGE = 25


@dataclass(frozen=True)
class StatusWords:
    """A status as a headline, a sentence saying what it means for the partner, and its style."""

    headline: str
    explanation: str
    css: str


def status_words(sub: Submission) -> StatusWords:
    """What the submission's status means, in plain words."""
    summary = sub.report.get("summary", {})
    errors, warnings = int(summary.get("errors", 0)), int(summary.get("warnings", 0))
    held = int(summary.get("quarantined_rows", 0))
    if sub.status == SubmissionStatus.ACCEPTED and held:
        return StatusWords(
            "Accepted, with rows held back",
            f"The rows that passed every check are now part of the hub's current data. {held} "
            f"row{'s' if held != 1 else ''} with errors {'were' if held != 1 else 'was'} quarantined: held back, "
            "not published. Download them below, correct them and send just those back.",
            "status-ok",
        )
    if sub.status == SubmissionStatus.ACCEPTED:
        extra = (
            f" {warnings} warning{'s' if warnings != 1 else ''} below are worth a look; none stopped the data."
            if warnings
            else ""
        )
        return StatusWords(
            "Accepted",
            "The files passed every check and their rows are now part of the hub's current data." + extra,
            "status-ok",
        )
    if sub.status == SubmissionStatus.REJECTED:
        return StatusWords(
            "Rejected",
            f"Nothing from these files was published: {errors} error{'s' if errors != 1 else ''} must be "
            "fixed first. Each error below names the file, line and column, the value found and what was "
            "expected. Data accepted earlier is unchanged.",
            "status-bad",
        )
    if sub.status == SubmissionStatus.VALIDATED:
        return StatusWords("Checked", "The files passed the checks and are being published.", "")
    return StatusWords("Received", "The files were received and are being checked.", "")


@dataclass
class CompletenessSection:
    """One canonical table's completeness: the chart spec and the same numbers as table rows."""

    table: str
    element_id: str
    spec: dict[str, Any]
    rows: list[dict[str, Any]]


#: Columns the hub fills itself, so their completeness says nothing about the partner's export.
HUB_FILLED = frozenset({"source_org"})


def completeness_sections(sub: Submission) -> list[CompletenessSection]:
    """A chart and a table per canonical table of the submission."""
    sections = []
    for table, all_columns in sorted(sub.report.get("completeness", {}).items()):
        columns = {k: v for k, v in all_columns.items() if k not in HUB_FILLED}
        sections.append(
            CompletenessSection(
                table=table,
                element_id=f"completeness-{table}",
                spec=charts.completeness_spec(table, columns),
                rows=charts.completeness_rows(columns),
            )
        )
    return sections


def issues_page(sub: Submission, params: QueryDict) -> tuple[Page[Any], str]:
    """The page of listed issues asked for by ``issues_page`` (optionally only one ``severity``)."""
    severity = params.get("severity", "")
    issues = sub.report.get("issues", [])
    if severity in ("error", "warning"):
        issues = [i for i in issues if i.get("severity") == severity]
    else:
        severity = ""
    paginator = Paginator(issues, ISSUES_PER_PAGE)
    return paginator.get_page(params.get("issues_page")), severity


@dataclass(frozen=True)
class QuarantinedTable:
    """Rows of one table held back, and where to download them."""

    table: str
    rows: int
    url: str


def quarantined_tables(sub: Submission) -> list[QuarantinedTable]:
    """The tables with quarantined rows (accepted submissions only; a rejected one published nothing)."""
    if sub.status != SubmissionStatus.ACCEPTED:
        return []
    held = sub.report.get("summary", {}).get("quarantined", {})
    return [
        QuarantinedTable(table, int(n), reverse("ingest:quarantine_download", args=[sub.pk, table]))
        for table, n in sorted(held.items())
        if n
    ]


def report_context(sub: Submission, params: QueryDict) -> dict[str, Any]:
    """Everything the report template needs."""
    summary = sub.report.get("summary", {})
    page, severity = issues_page(sub, params)
    query = params.copy()
    query.pop("issues_page", None)
    return {
        "status": status_words(sub),
        "summary": summary,
        "rows": sorted(sub.row_counts.items()),
        "rows_read": sorted(summary.get("rows_read", {}).items()),
        "sections": completeness_sections(sub),
        "issues": page,
        "severity": severity,
        "issues_query": query.urlencode(),
        "issues_total": int(summary.get("errors", 0)) + int(summary.get("warnings", 0)),
        "issues_listed": len(sub.report.get("issues", [])),
        "notes": sub.report.get("notes", []),
        "files": sub.files.all(),
        "quarantined": quarantined_tables(sub),
        "not_kept": sorted(sub.report.get("not_kept", {}).items()),
        "fixes": list(sub.fixes.order_by("submitted_at", "id")),
        "fix_url": f"{reverse('ingest:upload')}?fixes_for={sub.pk}&organization={sub.organization.slug}",
    }
