"""The rows of an action list: one per student, each figure shown, "restricted" or "no data".

"Restricted" means the gate withholds an element the figure needs (the student's record exists — they are in the
user's program — but its content is not the user's to see); "no data" means the user may see it and the hub holds
nothing.  Figures come from :mod:`commonground.actionlists.figures`; rows from :mod:`commonground.actionlists.access`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from commonground.actionlists import figures, schooldays
from commonground.actionlists.access import Access
from commonground.ecosystem.models import Organization

RESTRICTED, NO_DATA, SHOWN = "restricted", "no_data", "shown"

EVENTS = ("attendance_event.date", "attendance_event.category")
ENROLLED = ("enrollment.entry_date",)
SUMMARY = ("attendance_summary.days_enrolled", "attendance_summary.days_absent")

#: The figures of a row: key, column heading, and what it means (docs/action-lists.md says more).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("rate", "Attendance rate"),
    ("recent", "Recent absences"),
    ("chronic", "Chronically absent"),
    ("suspensions", "Suspensions"),
    ("failures", "Course failures"),
    ("assessment", "Latest assessment"),
    ("status", "Early warning"),
)


@dataclass
class Cell:
    """One figure: its state, the text shown, and a value to sort by."""

    state: str
    text: str = ""
    sort: float = -1.0

    @property
    def restricted(self) -> bool:
        """True when the gate withholds what the figure needs."""
        return self.state == RESTRICTED


@dataclass
class StudentRow:
    """One student of the list."""

    hub_id: str
    name: str | None
    school: str | None
    grade: str | None
    cells: dict[str, Cell]
    status: int | None = None
    chronic: bool = False
    failing: bool = False
    suspended: bool = False
    trend: list[tuple[str, int]] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        """True when any figure may be seen (the student's page exists for the user)."""
        return any(not c.restricted for c in self.cells.values())

    @property
    def label(self) -> str:
        """The name when the user may see one, otherwise the hub id."""
        return self.name or self.hub_id

    @property
    def trend_points(self) -> str:
        """SVG polyline points of the monthly absences."""
        return figures.sparkline_points([v for _, v in self.trend])

    @property
    def trend_text(self) -> str:
        """The sparkline's text alternative."""
        return "Days missed per month: " + ", ".join(f"{m} {v}" for m, v in self.trend)

    @cached_property
    def html(self) -> SafeString:
        """The row's cells as HTML, built once per row (see :mod:`commonground.actionlists.rowhtml`)."""
        from commonground.actionlists import rowhtml  # it imports this module's types

        return rowhtml.cells(self)


def _by_student(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row["hub_person_id"]].append(row)
    return out


def school_names() -> dict[str, str]:
    """School names by the id districts use for them (``Organization.external_id``)."""
    return dict(
        Organization.objects.filter(kind="school").exclude(external_id="").values_list("external_id", "name")
    )


@dataclass
class Tables:
    """Every table read for the list, grouped by student, and the day the figures are as of."""

    by_table: dict[str, dict[str, list[dict[str, Any]]]]
    as_of: dt.date
    instructional: frozenset[dt.date] | None = None

    def of(self, table: str, subject: str) -> list[dict[str, Any]]:
        """Rows of ``table`` about ``subject``."""
        return self.by_table.get(table, {}).get(subject, [])


def read_tables(access: Access, tables: tuple[str, ...]) -> Tables:
    """Read ``tables`` through the gate.  Figures are as of the calendar's last instructional day up to today,
    so a list read after the school year ended still shows its last month rather than zeros."""
    by_table = {t: _by_student(access.read(t)) for t in tables}
    days = schooldays.instructional_days()
    return Tables(by_table, schooldays.as_of(days, timezone.localdate()), days or None)


def _cell(allowed: bool, value: Any, text: str, sort: float) -> Cell:
    if not allowed:
        return Cell(RESTRICTED, "restricted")
    if value is None:
        return Cell(NO_DATA, "no data")
    return Cell(SHOWN, text, sort)


def build_row(
    access: Access, data: Tables, subject: str, names: dict[str, tuple[str, str]], schools: dict[str, str]
) -> StudentRow:
    """One student's figures from the rows read for them."""
    t = figures.DEFAULT
    person = data.of("person", subject)
    first = next((r for r in person if r.get("first_name") or r.get("last_name")), None)
    name = f"{first.get('first_name') or ''} {first.get('last_name') or ''}".strip() if first else None
    if not name and subject in names:
        name = " ".join(names[subject]).strip() or None
    school_id = next((r["school_id"] for r in person if r.get("school_id")), None) or next(
        (r["school_id"] for r in data.of("enrollment", subject) if r.get("school_id")), None
    )
    grade = next((r["grade_level"] for r in person if r.get("grade_level")), None)
    events = [r for r in data.of("attendance_event", subject) if r.get("date")]
    absences = [r["date"] for r in events if figures.missed(r.get("category"), r.get("duration")) > 0]
    missed_days = sum(figures.missed(r.get("category"), r.get("duration")) for r in events)
    spells = [(r.get("entry_date"), r.get("exit_date")) for r in data.of("enrollment", subject)]
    enrolled = figures.days_enrolled(spells, data.as_of, data.instructional)
    rate_allowed = access.allows_all(subject, EVENTS) and access.allows_all(subject, ENROLLED)
    rate = figures.attendance_rate(missed_days, enrolled) if rate_allowed else None
    if rate is None and access.allows_all(subject, SUMMARY):
        summary = data.of("attendance_summary", subject)
        total = sum(r.get("days_enrolled") or 0 for r in summary)
        rate = figures.attendance_rate(sum(r.get("days_absent") or 0 for r in summary), int(total))
        rate_allowed = True
    events_allowed = access.allows_all(subject, EVENTS)
    recent = figures.recent_absences(absences, data.as_of, t) if events_allowed else None
    chronic = figures.is_chronic(rate, t)
    discipline = data.of("discipline_action", subject)
    discipline_allowed = access.allows(subject, "discipline_action.action_type")
    suspended = figures.suspensions(r.get("action_type") for r in discipline)
    grades = [(r.get("numeric_grade"), r.get("letter_grade")) for r in data.of("course_grade", subject)]
    grades = [g for g in grades if g != (None, None)]
    grades_allowed = access.allows(subject, "course_grade.numeric_grade") or access.allows(
        subject, "course_grade.letter_grade"
    )
    failures = figures.course_failures(grades, t)
    assessment_allowed = access.allows(subject, "assessment_result.performance_level")
    assessment = figures.latest_assessment(
        (r.get("date"), r.get("subject"), r.get("performance_level"))
        for r in data.of("assessment_result", subject)
    )
    status = figures.overall_status(
        figures.attendance_status(rate, t) if rate_allowed else None,
        figures.behavior_status(len(discipline), suspended, t) if discipline_allowed else None,
        figures.course_status(grades, t) if grades_allowed else None,
    )
    cells = {
        "rate": _cell(rate_allowed, rate, f"{rate:.0%}" if rate is not None else "", rate or 0),
        "recent": _cell(events_allowed, recent, str(recent), float(recent or 0)),
        "chronic": _cell(rate_allowed, chronic, "yes" if chronic else "no", float(bool(chronic))),
        "suspensions": _cell(discipline_allowed, suspended, str(suspended), suspended),
        "failures": _cell(grades_allowed, failures if grades else None, str(failures), failures),
        "assessment": _cell(assessment_allowed, assessment, assessment or "", 0),
        "status": _cell(
            rate_allowed or discipline_allowed or grades_allowed,
            status,
            figures.STATUS_LABELS.get(status if status is not None else -1, ""),
            float(status if status is not None else -1),
        ),
    }
    return StudentRow(
        hub_id=subject,
        name=name,
        school=schools.get(school_id or "", school_id),
        grade=grade,
        cells=cells,
        status=status,
        chronic=bool(chronic),
        failing=failures > 0,
        suspended=suspended > 0,
        trend=figures.monthly_absences(absences, data.as_of) if events_allowed and events else [],
    )
