"""The per-student figures, checked against values worked out by hand."""

from __future__ import annotations

import datetime as dt

from commonground.actionlists import figures

D = dt.date


def test_days_enrolled_counts_weekdays_in_spells_once_up_to_the_day() -> None:
    # 1-14 Sep 2025: Mon 1 .. Fri 5, Mon 8 .. Fri 12 = 10 weekdays; the overlap (8-10 Sep) counts once;
    # the open spell stops at "until" (Wed 10 Sep).
    spells = [(D(2025, 9, 1), D(2025, 9, 10)), (D(2025, 9, 8), None)]
    assert figures.days_enrolled(spells, D(2025, 9, 10)) == 8
    assert figures.days_enrolled(spells, D(2025, 9, 14)) == 10
    assert figures.days_enrolled([(None, None)], D(2025, 9, 14)) == 0


def test_days_enrolled_uses_the_calendar_when_known() -> None:
    calendar = frozenset({D(2025, 9, 2), D(2025, 9, 3), D(2025, 9, 6), D(2025, 10, 1)})
    assert figures.days_enrolled([(D(2025, 9, 1), D(2025, 9, 30))], D(2025, 12, 1), calendar) == 3


def test_attendance_rate_and_chronic_absence() -> None:
    # 18 days missed of 180 is exactly 10 %: chronically absent; 17 of 180 is not.
    assert figures.attendance_rate(18, 180) == 0.9
    assert figures.is_chronic(figures.attendance_rate(18, 180)) is True
    assert figures.is_chronic(figures.attendance_rate(17, 180)) is False
    assert figures.attendance_rate(3, 0) is None and figures.is_chronic(None) is None


def test_missed_counts_absences_and_partial_days_not_tardies() -> None:
    assert [figures.missed(c) for c in ("excused", "unexcused", "tardy", "in_attendance")] == [1, 1, 0, 0]
    assert figures.missed("partial", 0.5) == 0.5 and figures.missed("partial", None) == 0


def test_recent_absences_are_the_last_30_days_inclusive() -> None:
    as_of = D(2025, 10, 31)
    days = [D(2025, 10, 31), D(2025, 10, 2), D(2025, 10, 1), D(2025, 9, 15), D(2025, 11, 3)]
    # 2 Oct is the 30th day counting 31 Oct as the first; 1 Oct is the 31st; 3 Nov is after the day.
    assert figures.recent_absences(days, as_of) == 2


def test_suspensions_and_course_failures() -> None:
    assert figures.suspensions(["In-school Suspension", "Detention", "EXPULSION", None]) == 2
    grades = [(58.0, "F"), (64.9, None), (65.0, "D"), (None, "F"), (None, "f+"), (None, "B")]
    assert (
        figures.course_failures(grades) == 4
    )  # 58, 64.9, F, f+ fail; 65 does not; a number beats its letter


def test_latest_assessment_level() -> None:
    results = [
        (D(2025, 9, 1), "Math", "Basic"),
        (D(2026, 1, 10), "Reading", "Proficient"),
        (None, "Science", None),
    ]
    assert figures.latest_assessment(results) == "Proficient (Reading)"
    assert figures.latest_assessment([]) is None


def test_abc_statuses_and_the_worst_of_them() -> None:
    assert [figures.attendance_status(r) for r in (0.79, 0.80, 0.87, 0.88, None)] == [2, 1, 1, 0, None]
    assert figures.behavior_status(0, 1) == 2  # a suspension is at risk
    assert [figures.behavior_status(n, 0) for n in (2, 3, 5, 6)] == [0, 1, 1, 2]
    assert figures.course_status([(64.0, None), (90.0, None)]) == 2
    assert figures.course_status([(70.0, None)]) == 1 and figures.course_status([(72.0, None)]) == 0
    assert figures.course_status([(None, "D")]) == 1 and figures.course_status([(None, "F")]) == 2
    assert figures.course_status([]) is None
    assert figures.overall_status(0, None, 1) == 1 and figures.overall_status(None, None) is None


def test_monthly_absences_and_sparkline() -> None:
    days = [D(2025, 9, 3), D(2025, 9, 4), D(2025, 11, 20), D(2025, 3, 1)]
    assert figures.monthly_absences(days, D(2025, 11, 30), months=3) == [
        ("Sep 2025", 2),
        ("Oct 2025", 0),
        ("Nov 2025", 1),
    ]
    # Three points across 80 px: x at 1, 40, 79; the highest value at y=1, zero at y=19.
    assert figures.sparkline_points([2, 0, 1]) == "1.0,1.0 40.0,19.0 79.0,10.0"
    assert figures.sparkline_points([]) == ""
