"""Early-warning ABC flags — Attendance, Behaviour, Course performance — and the worst of the three.

Defaults follow the Ed-Fi Analytics Middle Tier early-warning samples (after Balfanz et al.): attendance rate
at risk below 0.80, warning below 0.88; a course average at risk below 65, warning below 72; behaviour at risk
with any suspension or expulsion or more than five incidents, warning with more than two. Every threshold is a
parameter, because "local factors and policies also play a role in determining the cut points".
"""

# ruff: noqa: S608 - fixed fragments; thresholds pass params.sql_number

from __future__ import annotations

from collections.abc import Mapping

from .base_sql import Identity, school_year_of
from .common import ALL_DIMS, MIN_DAYS, SCHOOL_YEAR, ordered
from .model import Indicator, Measure
from .params import Param, sql_number

STATUSES = (("at_risk", 2, "at risk"), ("warning", 1, "early warning"), ("on_track", 0, "on track"))
DOMAINS = (
    ("attendance", "Attendance"),
    ("behavior", "Behaviour"),
    ("course", "Course performance"),
    ("overall", "Worst of the three"),
)

PARAMS = (
    Param("attendance_at_risk", "float", 0.80, "attendance rate below this is at risk", 0.0, 1.0),
    Param("attendance_warning", "float", 0.88, "attendance rate below this is an early warning", 0.0, 1.0),
    Param("grade_at_risk", "float", 65.0, "a course average below this is at risk (failing)", 0.0, 100.0),
    Param("grade_warning", "float", 72.0, "a course average below this is an early warning", 0.0, 100.0),
    Param(
        "suspensions_at_risk", "int", 1, "this many suspensions or expulsions in the year is at risk", 1, 100
    ),
    Param("incidents_at_risk", "int", 6, "this many discipline actions in the year is at risk", 1, 1000),
    Param(
        "incidents_warning", "int", 3, "this many discipline actions in the year is an early warning", 1, 1000
    ),
    MIN_DAYS,
    SCHOOL_YEAR,
)


def _validate(params: Mapping[str, object]) -> None:
    ordered(params, "attendance_at_risk", "attendance_warning", "attendance thresholds")
    ordered(params, "grade_at_risk", "grade_warning", "course thresholds")
    ordered(params, "incidents_warning", "incidents_at_risk", "behaviour thresholds")


def _fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
    p = {k: sql_number(v) for k, v in params.items() if isinstance(v, int | float)}
    behavior = (
        f"SELECT {ident.cols('x')}, {school_year_of('x.date')} AS school_year, COUNT(*) AS incidents, "
        "SUM(CASE WHEN LOWER(x.action_type) LIKE '%suspension%' OR LOWER(x.action_type) LIKE '%expulsion%' "
        f"THEN 1 ELSE 0 END) AS suspensions FROM discipline_action x{ident.join('x')} "
        "WHERE x.date IS NOT NULL GROUP BY 1, 2, 3"
    )
    courses = (
        "SELECT key_org, key_id, school_year, MIN(avg_grade) AS lowest FROM ("
        f"SELECT {ident.cols('x')}, x.school_year, x.course_code, AVG(x.numeric_grade) AS avg_grade "
        f"FROM course_grade x{ident.join('x')} WHERE x.numeric_grade IS NOT NULL AND x.school_year IS NOT NULL "
        "GROUP BY 1, 2, 3, 4) per_course GROUP BY key_org, key_id, school_year"
    )
    rate = "(1 - sy.days_absent / sy.days_enrolled)"
    flags = (
        "SELECT sy.*, "
        f"CASE WHEN sy.days_enrolled < {p['min_days_enrolled']} THEN NULL "
        f"WHEN {rate} < {p['attendance_at_risk']} THEN 2 WHEN {rate} < {p['attendance_warning']} THEN 1 "
        "ELSE 0 END AS s_attendance, "
        f"CASE WHEN COALESCE(b.suspensions, 0) >= {p['suspensions_at_risk']} "
        f"OR COALESCE(b.incidents, 0) >= {p['incidents_at_risk']} THEN 2 "
        f"WHEN COALESCE(b.incidents, 0) >= {p['incidents_warning']} THEN 1 ELSE 0 END AS s_behavior, "
        f"CASE WHEN g.lowest IS NULL THEN NULL WHEN g.lowest < {p['grade_at_risk']} THEN 2 "
        f"WHEN g.lowest < {p['grade_warning']} THEN 1 ELSE 0 END AS s_course "
        f"FROM student_year sy LEFT JOIN behavior b ON b.key_org = sy.key_org AND b.key_id = sy.key_id "
        "AND b.school_year = sy.school_year "
        "LEFT JOIN courses g ON g.key_org = sy.key_org AND g.key_id = sy.key_id AND g.school_year = sy.school_year"
    )
    fact = (
        "SELECT f.*, GREATEST(COALESCE(f.s_attendance, -1), COALESCE(f.s_behavior, -1), "
        "COALESCE(f.s_course, -1)) AS s_overall FROM flags f"
    )
    return [("behavior", behavior), ("courses", courses), ("flags", flags), ("fact", fact)]


def _measures() -> tuple[Measure, ...]:
    out = []
    for domain, domain_label in DOMAINS:
        has_data = f"CASE WHEN s_{domain} >= 0 THEN 1 ELSE 0 END"
        for status, code, status_label in STATUSES:
            out.append(
                Measure(
                    f"{domain}_{status}",
                    f"{domain_label}: {status_label}",
                    f"CASE WHEN s_{domain} = {code} THEN 1 ELSE 0 END",
                    has_data,
                    has_data,
                    True,
                )
            )
    return tuple(out)


EARLY_WARNING = Indicator(
    id="early_warning",
    version=2,
    title="Early-warning ABC flags",
    definition=(
        "Each student-year gets a status — at risk, early warning or on track — for Attendance (attendance "
        "rate below 0.80 / 0.88), Behaviour (any suspension or expulsion, or 6 or more discipline actions / 3 "
        "or more) and Course performance (lowest course average below 65 / 72), and an overall status that is "
        "the worst of the three. Each measure is the share of students in one status; students without course "
        "grades (or enrolled under 10 days, for attendance) are left out of that flag."
    ),
    how_to_read=(
        "Flags point to students who may need support soon, not to causes. Read the three flags together: a "
        "school with many attendance flags needs a different response than one with many course flags. "
        "Thresholds follow the Ed-Fi early-warning samples; districts may set their own."
    ),
    breakdowns=ALL_DIMS,
    measures=_measures(),
    params=PARAMS,
    fact_sql=_fact,
    validate=_validate,
    tables=("enrollment", "calendar_date", "attendance_event", "discipline_action", "course_grade", "person"),
)
