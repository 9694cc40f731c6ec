"""Attendance rate and chronic absence, per student-year over instructional days enrolled."""

# ruff: noqa: S608 - fixed fragments; numbers pass params.sql_number

from __future__ import annotations

from collections.abc import Mapping

from .base_sql import Identity
from .common import ALL_DIMS, CHRONIC_THRESHOLD, MIN_DAYS, SCHOOL_YEAR, chronic_flag, enrolled_enough
from .model import Indicator, Measure

_TABLES = ("enrollment", "calendar_date", "attendance_event", "attendance_summary", "person", "school")


def _attendance_fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
    return [("fact", f"SELECT sy.* FROM student_year sy WHERE {enrolled_enough(params)}")]


def _chronic_fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
    return [
        (
            "fact",
            f"SELECT sy.*, {chronic_flag(params)} AS chronic FROM student_year sy WHERE {enrolled_enough(params)}",
        )
    ]


ATTENDANCE_RATE = Indicator(
    id="attendance_rate",
    version=2,
    title="Attendance rate",
    definition=(
        "Days attended divided by days enrolled, over all students. Days enrolled are the school's "
        "instructional days between each enrollment's entry and exit dates (or the totals a partner sends); a day "
        "of excused or unexcused absence counts as one day missed, a partial day as the part missed."
    ),
    how_to_read=(
        "95% means students were in school 19 days out of 20 on average across the group. Small drops matter: "
        "each point is about two school days per student over a year. A group's rate can look fine while "
        "some of its students miss a great deal — read it next to chronic absence."
    ),
    breakdowns=ALL_DIMS,
    measures=(
        Measure(
            "attendance_rate", "Attendance rate", "days_enrolled - days_absent", "days_enrolled", "1", True
        ),
    ),
    params=(MIN_DAYS, SCHOOL_YEAR),
    fact_sql=_attendance_fact,
    tables=_TABLES,
)

CHRONIC_ABSENCE = Indicator(
    id="chronic_absence",
    version=2,
    title="Chronic absence",
    definition=(
        "The share of students who missed at least 10% of the days they were enrolled (excused and "
        "unexcused absences alike), among students enrolled at least 10 instructional days in the school year. "
        "Both thresholds can be changed."
    ),
    how_to_read=(
        "20% means one student in five missed at least 18 days of a 180-day year, about two days a month. "
        "Chronic absence counts students, not days: it shows how many children are missing enough school to "
        "fall behind, even when the average attendance rate looks high."
    ),
    breakdowns=ALL_DIMS,
    measures=(Measure("chronic_absence", "Chronically absent students", "chronic", "1", "1", True),),
    params=(CHRONIC_THRESHOLD, MIN_DAYS, SCHOOL_YEAR),
    fact_sql=_chronic_fact,
    tables=_TABLES,
)
