"""Program participation and dosage, and service gaps (need against participation)."""

# ruff: noqa: S608 - fixed fragments; numbers pass params.sql_number

from __future__ import annotations

from collections.abc import Mapping

from .base_sql import Identity
from .common import (
    CHRONIC_THRESHOLD,
    MIN_DAYS,
    NO_PROGRAM_DIMS,
    PROGRAM,
    SCHOOL_YEAR,
    chronic_flag,
    enrolled_enough,
)
from .model import Indicator, Measure

_PROGRAM_TABLES = ("enrollment", "program_participation", "service_contact", "person", "school")


def _dosage_fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
    return [
        (
            "fact",
            "SELECT sy.*, COALESCE(ds.service_days, 0) AS service_days, "
            "COALESCE(ds.service_minutes, 0) AS service_minutes FROM student_year sy "
            "LEFT JOIN dosage ds ON ds.key_org = sy.key_org AND ds.key_id = sy.key_id "
            "AND ds.school_year = sy.school_year",
        )
    ]


def _gaps_fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
    return [
        (
            "fact",
            f"SELECT sy.*, {chronic_flag(params)} AS chronic FROM student_year sy WHERE {enrolled_enough(params)}",
        )
    ]


PROGRAM_DOSAGE = Indicator(
    id="program_dosage",
    version=2,
    title="Program participation and dosage",
    definition=(
        "Participation: the share of enrolled students with a program spell overlapping the school year or a "
        "service contact during it. Dosage: among participants, the average number of days with a service "
        "contact and the average hours of service (contact minutes ÷ 60) in the school year. Students are "
        "matched across organizations by the hub's person registry."
    ),
    how_to_read=(
        "Participation shows reach; dosage shows how much each participant received. A program that reaches "
        "many students for one or two days is different from one that sees fewer students every week. "
        "Contacts a partner did not record are missing, so dosage is a floor, not a ceiling."
    ),
    breakdowns=NO_PROGRAM_DIMS,
    measures=(
        Measure("participation", "Students in a program", "is_participant", "1", "1", True),
        Measure(
            "service_days",
            "Days of service per participant",
            "is_participant * service_days",
            "is_participant",
            "is_participant",
            False,
        ),
        Measure(
            "service_hours",
            "Hours of service per participant",
            "is_participant * service_minutes / 60.0",
            "is_participant",
            "is_participant",
            False,
        ),
    ),
    params=(PROGRAM, SCHOOL_YEAR),
    fact_sql=_dosage_fact,
    tables=_PROGRAM_TABLES,
    needs=frozenset({"participation", "dosage"}),
)

SERVICE_GAPS = Indicator(
    id="service_gaps",
    version=2,
    title="Service gaps: need against participation",
    definition=(
        "Need: the share of students who are chronically absent. Need served: among chronically absent "
        "students, the share who took part in a program (or received a service) during the school year. "
        "Participation: the share of all students in a program. Programs record no capacity in the shared "
        "data, so participation stands in for it."
    ),
    how_to_read=(
        "Look for schools or neighbourhoods where need is high and need served is low: many students "
        "missing school and few of them reached. A low share served is a question to ask — about where "
        "programs are, who refers students, transport — not a verdict on a program."
    ),
    breakdowns=NO_PROGRAM_DIMS,
    measures=(
        Measure("need", "Chronically absent students", "chronic", "1", "1", True),
        Measure(
            "need_served",
            "Chronically absent students in a program",
            "chronic * is_participant",
            "chronic",
            "chronic",
            True,
        ),
        Measure("participation", "Students in a program", "is_participant", "1", "1", True),
    ),
    params=(CHRONIC_THRESHOLD, MIN_DAYS, PROGRAM, SCHOOL_YEAR),
    fact_sql=_gaps_fact,
    tables=(*_PROGRAM_TABLES, "calendar_date", "attendance_event"),
    needs=frozenset({"participation"}),
)
