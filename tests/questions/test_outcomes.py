"""Grade-3 reading and grade-8 math proficiency on hand-made results; outcomes without data say so."""

from __future__ import annotations

import pyarrow as pa
import pytest

from commonground.questions.indicators import IndicatorNotAvailable, run_indicator

from .canon import calendar, cells, day, enrollment, table


def world() -> dict[str, pa.Table]:
    """s1: grade 3 ELA Proficient. s2: grade 3 Reading Proficient, then retested Below Basic (the latest counts).
    s3: grade 3 math only (not a reading result). s4: grade 4 ELA (not grade 3). s5: grade 8 math Advanced;
    s6: grade 8 Mathematics Basic."""
    enr = enrollment([("s1", "A", "03", 1, None), ("s2", "A", "03", 1, None), ("s3", "A", "03", 1, None),
                      ("s4", "A", "04", 1, None), ("s5", "M", "08", 1, None), ("s6", "M", "08", 1, None)])  # fmt: skip
    results = [("s1", "ELA", "03", 5, "Proficient"), ("s2", "Reading", "03", 5, "Proficient"),
               ("s2", "Reading", "03", 15, "Below Basic"), ("s3", "Math", "03", 5, "Advanced"),
               ("s4", "ELA", "04", 5, "Proficient"), ("s5", "Math", "08", 5, "Advanced"),
               ("s6", "Mathematics", "08", 5, "Basic")]  # fmt: skip
    assessments = table("assessment_result", [
        {"source_org": "d", "source_person_id": s, "assessment_id": f"{subj}-{n}", "date": day(n),
         "subject": subj, "grade_level": g, "performance_level": level} for s, subj, g, n, level in results
    ])  # fmt: skip
    return {"enrollment": enr, "calendar_date": calendar(["A", "M"]), "assessment_result": assessments}


def test_grade3_reading_counts_the_latest_reading_result_of_grade_3_students() -> None:
    got = cells(run_indicator(world(), "grade3_reading", ["school"]), "grade3_reading")
    assert got == {("All",): (1, 2), ("A",): (1, 2)}  # school M has no grade-3 results: no row


def test_grade8_math_and_custom_levels() -> None:
    assert cells(run_indicator(world(), "grade8_math"), "grade8_math") == {(): (1, 2)}
    lenient = run_indicator(world(), "grade8_math", [], {"proficient_levels": "advanced, basic"})
    assert cells(lenient, "grade8_math") == {(): (2, 2)}


@pytest.mark.parametrize("indicator", ["graduation", "kindergarten_readiness", "postsecondary", "employment"])
def test_outcomes_without_data_say_what_is_missing(indicator: str) -> None:
    with pytest.raises(IndicatorNotAvailable, match="not available"):
        run_indicator(world(), indicator)
