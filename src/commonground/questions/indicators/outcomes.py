"""Cradle-to-career outcomes: early-grade reading and middle-grade math where assessments exist; the rest listed.

Outcomes the canonical tables cannot carry (graduation, kindergarten readiness, postsecondary, employment) are
in the library with ``available=False`` and a reason, so a question that needs them says what data is missing
instead of showing an empty chart.
"""

# ruff: noqa: S608 - fixed fragments; text parameters pass params.sql_text_list

from __future__ import annotations

from collections.abc import Callable, Mapping

from .base_sql import Identity, school_year_of
from .common import ALL_DIMS, SCHOOL_YEAR
from .model import Indicator, Measure
from .params import Param, sql_text_list

LEVELS = Param(
    "proficient_levels",
    "text",
    "Proficient, Advanced, Meets, Exceeds, Meets Expectations, Exceeds Expectations",
    "performance levels that count as proficient (comma-separated, any case)",
)


def _fact(grade: str) -> Callable[[Mapping[str, object], Identity], list[tuple[str, str]]]:
    def fact(params: Mapping[str, object], ident: Identity) -> list[tuple[str, str]]:
        tests = (
            "SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.key_org, x.key_id, x.school_year "
            "ORDER BY x.date DESC, x.assessment_id) AS rn FROM ("
            f"SELECT {ident.cols('a')}, {school_year_of('a.date')} AS school_year, a.date, a.assessment_id, "
            f"a.performance_level FROM assessment_result a{ident.join('a')} "
            f"WHERE LOWER(a.subject) IN {sql_text_list(params['subjects'])} AND a.grade_level = '{grade}' "
            "AND a.date IS NOT NULL AND a.performance_level IS NOT NULL) x"
        )
        body = (
            "SELECT sy.*, CASE WHEN LOWER(t.performance_level) IN "
            f"{sql_text_list(params['proficient_levels'])} THEN 1 ELSE 0 END AS proficient "
            "FROM student_year sy JOIN tests t ON t.key_org = sy.key_org AND t.key_id = sy.key_id "
            "AND t.school_year = sy.school_year AND t.rn = 1"
        )
        return [("tests", tests), ("fact", body)]

    return fact


def _proficiency(ind_id: str, title: str, grade: str, subjects: str, subject_words: str) -> Indicator:
    return Indicator(
        id=ind_id,
        version=2,
        title=title,
        definition=(
            f"The share of grade-{int(grade)} students tested in {subject_words} who scored at a proficient "
            "performance level (Proficient, Advanced, Meets or Exceeds by default) on their latest test of the "
            "school year. Students are placed in the school where they were enrolled longest that year."
        ),
        how_to_read=(
            f"60% means six in ten tested grade-{int(grade)} students reached the proficient standard. Only "
            "tested students count, so a group where many students were not tested may look better or worse "
            "than it is. State tests change over time: compare years only within the same test."
        ),
        breakdowns=ALL_DIMS,
        measures=(Measure(ind_id, title, "proficient", "1", "1", True),),
        params=(
            Param("subjects", "text", subjects, "assessment subjects that count (comma-separated, any case)"),
            LEVELS,
            SCHOOL_YEAR,
        ),
        fact_sql=_fact(grade),
        tables=("assessment_result", "enrollment", "person", "school"),
    )


GRADE3_READING = _proficiency(
    "grade3_reading",
    "Grade-3 reading proficiency",
    "03",
    "Reading, ELA, English Language Arts",
    "reading / English language arts",
)
GRADE8_MATH = _proficiency(
    "grade8_math", "Grade-8 math proficiency", "08", "Math, Mathematics", "mathematics"
)


def _missing(ind_id: str, title: str, definition: str, reason: str) -> Indicator:
    return Indicator(
        id=ind_id,
        version=2,
        title=title,
        definition=definition,
        how_to_read="Not available yet: " + reason,
        breakdowns=(),
        available=False,
        unavailable_reason=reason,
    )


UNAVAILABLE = (
    _missing(
        "graduation",
        "High-school graduation",
        "The share of a ninth-grade cohort that graduates with a regular diploma within four years.",
        "the canonical tables hold no graduation or exit-status records (enrollment exits carry no reason); "
        "a district export of diplomas or exit codes is needed.",
    ),
    _missing(
        "kindergarten_readiness",
        "Kindergarten readiness",
        "The share of kindergarteners ready for school on the state's kindergarten entry assessment.",
        "no kindergarten entry assessment is in the shared data yet; it would arrive as assessment_result rows "
        "with grade level KG once a district shares it.",
    ),
    _missing(
        "postsecondary",
        "Postsecondary enrollment and completion",
        "The share of graduates who enroll in (and later complete) college or training.",
        "needs National Student Clearinghouse or state postsecondary records, which no partner shares yet.",
    ),
    _missing(
        "employment",
        "Employment",
        "The share of young adults employed after leaving school.",
        "needs state wage records, which no partner shares yet.",
    ),
)
