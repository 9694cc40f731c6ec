"""Participants against matched non-participants: exact matching on coarsened prior attendance and context.

Coarsened exact matching: each student-year falls in a stratum (school year, school, grade, sex, and prior-year
attendance band: below 80%, 80–90%, 90–95%, 95% and above, or no prior year). Strata holding both participants
and non-participants are kept; inside each, every non-participant is weighted by participants ÷ non-participants
so the comparison group has the participants' make-up. Results are broken down only by the matching variables
(or things they determine), so every breakdown stays balanced.
"""

# ruff: noqa: S608 - fixed fragments; thresholds pass params.sql_number

from __future__ import annotations

from collections.abc import Mapping

from .base_sql import Identity
from .common import CHRONIC_THRESHOLD, MIN_DAYS, PROGRAM, SCHOOL_YEAR, chronic_flag, enrolled_enough
from .model import Indicator, Measure

CAVEAT = (
    "This is a matched comparison, not an experiment. Participants are compared with non-participants of the "
    "same school, grade, sex and prior-year attendance band; they may still differ in ways the data does not "
    "show (motivation, family support, why they joined), so a difference is a reason to look closer, not proof "
    "that the program caused it. Participants with no similar non-participant are left out (see "
    "participants_matched)."
)

_BAND = (
    "CASE WHEN pr.total_enrolled IS NULL OR pr.total_enrolled = 0 THEN 'no prior year' "
    "WHEN 1 - pr.total_absent / pr.total_enrolled < 0.80 THEN 'below 80%' "
    "WHEN 1 - pr.total_absent / pr.total_enrolled < 0.90 THEN '80-90%' "
    "WHEN 1 - pr.total_absent / pr.total_enrolled < 0.95 THEN '90-95%' ELSE '95% or more' END"
)
_STRATUM = ("d_year", "d_school", "d_grade", "d_sex", "band")


def _fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
    units = (
        f"SELECT sy.*, {_BAND} AS band, {chronic_flag(params)} AS chronic FROM student_year sy "
        "LEFT JOIN ranked pr ON pr.rn = 1 AND pr.key_org = sy.key_org AND pr.key_id = sy.key_id "
        f"AND pr.school_year = sy.school_year - 1 WHERE {enrolled_enough(params)}"
    )
    strata = (
        f"SELECT {', '.join(_STRATUM)}, SUM(is_participant) AS n_p, SUM(1 - is_participant) AS n_c "
        f"FROM units GROUP BY {', '.join(_STRATUM)}"
    )
    on = " AND ".join(f"s.{c} = u.{c}" for c in _STRATUM)
    fact = (
        "SELECT u.*, CASE WHEN s.n_p > 0 AND s.n_c > 0 THEN 1 ELSE 0 END AS matched, "
        "CASE WHEN u.is_participant = 1 THEN 1.0 WHEN s.n_c > 0 THEN CAST(s.n_p AS DOUBLE) / s.n_c "
        f"ELSE 0.0 END AS w FROM units u JOIN strata s ON {on}"
    )
    return [("units", units), ("strata", strata), ("fact", fact)]


_P = "is_participant * matched"
_C = "(1 - is_participant) * matched"

MATCHED_COMPARISON = Indicator(
    id="matched_comparison",
    version=2,
    title="Participants and matched non-participants",
    definition=(
        "Attendance rate and chronic absence of program participants next to those of similar "
        "non-participants: same school year, school, grade and sex, and the same band of prior-year attendance "
        "(below 80%, 80–90%, 90–95%, 95% or more, or no prior year). Non-participants are weighted so that the "
        "comparison group has the same make-up as the participants (coarsened exact matching)."
    ),
    how_to_read=(
        "Compare the participant and comparison numbers in the same row: a higher attendance rate for "
        "participants suggests the program goes with better attendance for similar students. "
        "participants_matched shows how many participants had a match; if it is low, the comparison speaks "
        "for few of them. " + CAVEAT
    ),
    breakdowns=("school", "grade", "year", "sex", "neighborhood"),
    measures=(
        Measure(
            "participants_matched", "Participants with a match", _P, "is_participant", "is_participant", True
        ),
        Measure(
            "participant_attendance_rate",
            "Attendance rate, participants",
            f"{_P} * (days_enrolled - days_absent)",
            f"{_P} * days_enrolled",
            _P,
            True,
        ),
        Measure(
            "comparison_attendance_rate",
            "Attendance rate, matched comparison group",
            f"{_C} * w * (days_enrolled - days_absent)",
            f"{_C} * w * days_enrolled",
            _C,
            False,
        ),
        Measure(
            "participant_chronic_absence", "Chronic absence, participants", f"{_P} * chronic", _P, _P, True
        ),
        Measure(
            "comparison_chronic_absence",
            "Chronic absence, matched comparison group",
            f"{_C} * w * chronic",
            f"{_C} * w",
            _C,
            False,
        ),
    ),
    params=(CHRONIC_THRESHOLD, MIN_DAYS, PROGRAM, SCHOOL_YEAR),
    fact_sql=_fact,
    tables=(
        "enrollment",
        "calendar_date",
        "attendance_event",
        "program_participation",
        "service_contact",
        "person",
        "school",
    ),
    needs=frozenset({"participation"}),
    caveat=CAVEAT,
)
