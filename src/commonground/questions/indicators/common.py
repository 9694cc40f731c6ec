"""Parameters and SQL fragments several indicators share."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import IndicatorError
from .params import Param, sql_number

SCHOOL_YEAR = Param(
    "school_year",
    "int",
    0,
    "only this school year (the year it ends: 2024 = 2023–24); 0 = every year",
    0,
    2200,
)
MIN_DAYS = Param(
    "min_days_enrolled",
    "int",
    10,
    "students enrolled fewer instructional days than this in the school year are left out",
    1,
    200,
)
CHRONIC_THRESHOLD = Param(
    "threshold",
    "float",
    0.10,
    "share of enrolled days missed that makes a student chronically absent",
    0.01,
    0.5,
)
PROGRAM = Param(
    "program",
    "text",
    "",
    "count only this program (program or program type) and service type; empty = any program or service",
)
ALL_DIMS = ("school", "grade", "year", "sex", "race_ethnicity", "neighborhood", "program")
NO_PROGRAM_DIMS = tuple(d for d in ALL_DIMS if d != "program")


def chronic_flag(params: Mapping[str, object], alias: str = "sy") -> str:
    """1 when the student-year missed at least ``threshold`` of its enrolled days (division keeps 3/30 = 0.1)."""
    return (
        f"CASE WHEN {alias}.days_absent / {alias}.days_enrolled >= {sql_number(params['threshold'])} "
        "THEN 1 ELSE 0 END"
    )


def enrolled_enough(params: Mapping[str, object], alias: str = "sy") -> str:
    """The filter on days enrolled shared by the attendance-based indicators."""
    return f"{alias}.days_enrolled >= {sql_number(params['min_days_enrolled'])}"


def ordered(params: Mapping[str, object], low: str, high: str, what: str) -> None:
    """Refuse a warning threshold below its at-risk threshold (the statuses would overlap)."""
    if float(params[low]) > float(params[high]):  # type: ignore[arg-type]
        raise IndicatorError(f"{what}: {low} ({params[low]}) must not be above {high} ({params[high]})")
