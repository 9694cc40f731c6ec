"""One student's page: their figures and a timeline of enrollments, absences, incidents, assessments and program
spells, plus their course grades — everything read through the gate for that one student."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from commonground.actionlists import access as access_mod
from commonground.actionlists.students import StudentRow, build_row, read_tables, school_names

TIMELINE_TABLES = ("person", "enrollment", "attendance_event", "attendance_summary", "discipline_action",
                   "course_grade", "assessment_result", "program_participation")  # fmt: skip
CATEGORY_WORDS = {"excused": "Absent (excused)", "unexcused": "Absent (unexcused)", "tardy": "Tardy",
                  "partial": "Part of the day missed", "other": "Attendance event"}  # fmt: skip


class NotFoundError(LookupError):
    """No such student for this user: unknown, outside their roster, or nothing they may see (one answer)."""


@dataclass(frozen=True)
class Event:
    """One dated line of the timeline."""

    date: dt.date
    kind: str
    text: str


@dataclass
class StudentPage:
    """The student's row of figures, the timeline (newest first), grades, and withheld elements' reasons."""

    row: StudentRow
    events: list[Event]
    grades: list[dict[str, Any]]
    reasons: list[str]
    as_of: dt.date


def _events(data: Any, subject: str, schools: dict[str, str]) -> list[Event]:
    out: list[Event] = []
    for r in data.of("enrollment", subject):
        school = schools.get(r.get("school_id") or "", r.get("school_id") or "a school")
        grade = f", grade {r['grade_level']}" if r.get("grade_level") else ""
        if r.get("entry_date"):
            out.append(Event(r["entry_date"], "Enrollment", f"Enrolled at {school}{grade}"))
        if r.get("exit_date"):
            out.append(Event(r["exit_date"], "Enrollment", f"Left {school}"))
    for r in data.of("attendance_event", subject):
        if r.get("date"):
            out.append(
                Event(
                    r["date"], "Attendance", CATEGORY_WORDS.get(r.get("category") or "", "Attendance event")
                )
            )
    for r in data.of("discipline_action", subject):
        if r.get("date"):
            days = f", {r['days_removed']:g} days removed" if r.get("days_removed") else ""
            out.append(Event(r["date"], "Incident", f"{r.get('action_type') or 'Discipline action'}{days}"))
    for r in data.of("assessment_result", subject):
        if r.get("date"):
            text = f"{r.get('subject') or 'Assessment'}: {r.get('performance_level') or 'result recorded'}"
            out.append(Event(r["date"], "Assessment", text))
    for r in data.of("program_participation", subject):
        program = r.get("program") or "a program"
        if r.get("begin_date"):
            out.append(Event(r["begin_date"], "Program", f"Started {program}"))
        if r.get("end_date"):
            out.append(Event(r["end_date"], "Program", f"Left {program}"))
    return sorted(set(out), key=lambda e: (e.date, e.kind, e.text), reverse=True)


def student_page(user: Any, hub_id: str, *, route: str, path: str) -> StudentPage:
    """The student's page, or :class:`NotFoundError` — the same for an unknown student and a withheld one."""
    if hub_id not in set(access_mod.roster(user)):
        raise NotFoundError(hub_id)
    access = access_mod.authorize(user, [hub_id], route=route, path=path)
    if hub_id not in access.visible():
        raise NotFoundError(hub_id)
    data = read_tables(access, TIMELINE_TABLES)
    schools = school_names()
    row = build_row(access, data, hub_id, access.own_names(), schools)
    grades = sorted(
        data.of("course_grade", hub_id),
        key=lambda r: (
            -(r.get("school_year") or 0),
            str(r.get("term") or ""),
            str(r.get("course_code") or ""),
        ),
    )
    return StudentPage(
        row=row,
        events=_events(data, hub_id, schools),
        grades=grades,
        reasons=access.reasons_for(hub_id, access_mod.ELEMENTS),
        as_of=data.as_of,
    )
