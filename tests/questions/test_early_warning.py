"""Early-warning ABC flags on four hand-made students (20 instructional days, default thresholds).

- s1: 5 absences → rate 0.75 < 0.80 at risk; no discipline; course average 90 → overall at risk
- s2: 3 absences → 0.85 < 0.88 warning; 3 detentions → warning; courses 70 and 95 → lowest 70 < 72 warning
- s3: 1 absence → 0.95 on track; one out-of-school suspension → at risk; one course graded 60 and 64 over two
  terms → average 62 < 65 at risk → overall at risk
- s4: no absences; 2 detentions (< 3) → on track; no course grades → no course flag; overall on track
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from commonground.questions.indicators import IndicatorError, run_indicator

from .canon import absences, calendar, cells, day, enrollment, table


def world() -> dict[str, pa.Table]:
    """The four students above."""
    enr = enrollment([(s, "A", "09", 1, None) for s in ("s1", "s2", "s3", "s4")])
    att = absences([
        *(("s1", "A", n, "unexcused", None) for n in range(1, 6)),
        *(("s2", "A", n, "excused", None) for n in range(1, 4)),
        ("s3", "A", 1, "excused", None),
    ])  # fmt: skip
    actions = [("s2", "Detention"), ("s2", "Detention"), ("s2", "Detention"), ("s3", "Out-of-school suspension"),
               ("s4", "Detention"), ("s4", "Detention")]  # fmt: skip
    discipline = table("discipline_action", [
        {"source_org": "d", "source_person_id": s, "school_id": "A", "action_id": str(i), "date": day(i + 1),
         "action_type": kind} for i, (s, kind) in enumerate(actions)
    ])  # fmt: skip
    grades = [("s1", "MATH", "T1", 90.0), ("s2", "MATH", "T1", 70.0), ("s2", "ENG", "T1", 95.0),
              ("s3", "ENG", "T1", 60.0), ("s3", "ENG", "T2", 64.0)]  # fmt: skip
    course = table("course_grade", [
        {"source_org": "d", "source_person_id": s, "school_id": "A", "course_code": c, "section_id": "1",
         "term": term, "school_year": 2024, "numeric_grade": g} for s, c, term, g in grades
    ])  # fmt: skip
    return {"enrollment": enr, "calendar_date": calendar(["A"]), "attendance_event": att,
            "discipline_action": discipline, "course_grade": course}  # fmt: skip


def test_each_flag_and_the_worst_of_the_three() -> None:
    result = run_indicator(world(), "early_warning")
    expected = {
        "attendance_at_risk": (1, 4), "attendance_warning": (1, 4), "attendance_on_track": (2, 4),
        "behavior_at_risk": (1, 4), "behavior_warning": (1, 4), "behavior_on_track": (2, 4),
        "course_at_risk": (1, 3), "course_warning": (1, 3), "course_on_track": (1, 3),
        "overall_at_risk": (2, 4), "overall_warning": (1, 4), "overall_on_track": (1, 4),
    }  # fmt: skip
    assert {m: cells(result, m)[()] for m in expected} == expected


def test_thresholds_are_parameters() -> None:
    # attendance warning below 0.96 turns s3 (0.95) from on track to warning
    result = run_indicator(world(), "early_warning", [], {"attendance_warning": 0.96})
    assert cells(result, "attendance_warning")[()] == (2, 4)
    # detentions at risk from 2 makes s4 (2 detentions) and s2 (3) at risk on behaviour
    result = run_indicator(world(), "early_warning", [], {"incidents_at_risk": 2, "incidents_warning": 1})
    assert cells(result, "behavior_at_risk")[()] == (3, 4)


def test_contradictory_thresholds_are_refused() -> None:
    with pytest.raises(IndicatorError, match="attendance_at_risk"):
        run_indicator(world(), "early_warning", [], {"attendance_at_risk": 0.9, "attendance_warning": 0.85})
    with pytest.raises(IndicatorError, match="outside the allowed range"):
        run_indicator(world(), "early_warning", [], {"grade_at_risk": 120})
