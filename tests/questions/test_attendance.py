"""Attendance rate and chronic absence on a hand-computed community of six students at two schools.

Calendar: 20 instructional days per school (and one holiday). Students:

- s1, A, grade 03: 4 absences → 16/20 attended, 20% missed → chronic
- s2, A, grade 03: 1 unexcused absence and 1 tardy (a tardy is not an absence) → 19/20, not chronic
- s3, A, grade 04: 2 absences → 18/20, exactly 10% → chronic (the rule is "at least")
- s4: A days 1–5 (1 absence), then B days 6–20 (1 absence) → 20 days, 2 absent → chronic; counted at B, the
  school of most days, once in the district total; an absence recorded at A on day 10 (after leaving) is ignored
- s5, B, grade 04: enrolled from day 15 → 6 days < 10 → left out
- s6, B, grade 04 (exit day 20): two half-day partial absences and one excused absence without duration →
  2 days → chronic
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commonground.questions.indicators import IndicatorError, run_indicator
from commonground.questions.indicators.tables import connect, register

from .canon import START, absences, calendar, cells, enrollment, people, table


def world() -> dict[str, pa.Table]:
    """The six students above."""
    enr = enrollment([
        ("s1", "A", "03", 1, None), ("s2", "A", "03", 1, None), ("s3", "A", "04", 1, None),
        ("s4", "A", "03", 1, 5), ("s4", "B", "03", 6, None), ("s5", "B", "04", 15, None),
        ("s6", "B", "04", 1, 20),
    ])  # fmt: skip
    att = absences([
        *(("s1", "A", n, "excused", None) for n in (2, 3, 4, 5)),
        ("s2", "A", 7, "unexcused", None), ("s2", "A", 8, "tardy", None),
        ("s3", "A", 9, "excused", None), ("s3", "A", 10, "unexcused", None),
        ("s4", "A", 3, "unexcused", None), ("s4", "B", 12, "excused", None), ("s4", "A", 10, "unexcused", None),
        ("s5", "B", 16, "excused", None),
        ("s6", "B", 2, "partial", 0.5), ("s6", "B", 3, "partial", 0.5), ("s6", "B", 4, "excused", None),
    ])  # fmt: skip
    return {"enrollment": enr, "calendar_date": calendar(["A", "B"]), "attendance_event": att,
            "person": people([("s1", "female"), ("s2", "male"), ("s3", "female"), ("s4", "male"),
                              ("s5", "female"), ("s6", "female")])}  # fmt: skip


def test_chronic_absence_by_school_and_grade_with_every_margin() -> None:
    got = cells(run_indicator(world(), "chronic_absence", ["school", "grade"]), "chronic_absence")
    assert got == {
        ("All", "All"): (4, 5),
        ("All", "03"): (2, 3),  # s1, s2, s4
        ("All", "04"): (2, 2),  # s3, s6
        ("A", "All"): (2, 3),
        ("A", "03"): (1, 2),
        ("A", "04"): (1, 1),
        ("B", "All"): (2, 2),
        ("B", "03"): (1, 1),
        ("B", "04"): (1, 1),
    }


def test_attendance_rate_counts_days() -> None:
    got = cells(run_indicator(world(), "attendance_rate", ["school"]), "attendance_rate")
    assert got == {("All",): (89, 100), ("A",): (53, 60), ("B",): (36, 40)}
    value = {
        r["school"]: r["value"] for r in run_indicator(world(), "attendance_rate", ["school"]).to_pylist()
    }
    assert value["All"] == pytest.approx(0.89)


def test_threshold_and_minimum_days_are_parameters() -> None:
    strict = cells(run_indicator(world(), "chronic_absence", [], {"threshold": 0.2}), "chronic_absence")
    assert strict == {(): (1, 5)}  # only s1 missed 20%
    lax = cells(run_indicator(world(), "chronic_absence", [], {"min_days_enrolled": 5}), "chronic_absence")
    assert lax == {(): (5, 6)}  # s5 joins: 1 of 6 days missed is 17%


def test_breakdown_by_sex_and_a_missing_value_is_unknown() -> None:
    data = world()
    data["person"] = people([("s1", "female"), ("s2", "male"), ("s3", "female"), ("s4", "male")])
    got = cells(run_indicator(data, "chronic_absence", ["sex"]), "chronic_absence")
    assert got == {("All",): (4, 5), ("female",): (2, 2), ("male",): (1, 2), ("Unknown",): (1, 1)}


def test_attendance_summary_counts_where_no_enrollment_covers_the_student() -> None:
    data = world()
    data["attendance_summary"] = table("attendance_summary", [
        {"source_org": "d", "source_person_id": "s7", "school_id": "B", "school_year": 2024,
         "days_enrolled": 30.0, "days_absent": 6.0},
        # s1 also sent as a summary: ignored, the enrollment with calendar days covers s1 at A
        {"source_org": "d", "source_person_id": "s1", "school_id": "A", "school_year": 2024,
         "days_enrolled": 20.0, "days_absent": 0.0},
    ])  # fmt: skip
    got = cells(run_indicator(data, "chronic_absence", ["school"]), "chronic_absence")
    assert got[("B",)] == (3, 3)
    assert got[("A",)] == (2, 3)


def test_same_numbers_from_parquet_files_and_from_a_connection(tmp_path: Path) -> None:
    paths = {}
    for name, t in world().items():
        pq.write_table(t, tmp_path / f"{name}.parquet")
        paths[name] = tmp_path / f"{name}.parquet"
    from_files = run_indicator(paths, "chronic_absence", ["school", "grade"])
    con = connect()
    register(con, world())
    from_con = run_indicator(con, "chronic_absence", ["school", "grade"])
    assert from_files.to_pylist() == from_con.to_pylist()
    assert (
        from_files.to_pylist() == run_indicator(world(), "chronic_absence", ["school", "grade"]).to_pylist()
    )


def test_school_year_filter_and_breakdown() -> None:
    data = world()
    old = enrollment([("s1", "A", "02", 1, None)], year=2023, start=START_2023)
    data["enrollment"] = pa.concat_tables([data["enrollment"], old])
    data["calendar_date"] = pa.concat_tables(
        [data["calendar_date"], calendar(["A"], year=2023, start=START_2023)]
    )
    by_year = cells(run_indicator(data, "chronic_absence", ["year"]), "chronic_absence")
    assert by_year == {("All",): (4, 6), ("2023",): (0, 1), ("2024",): (4, 5)}
    only = cells(run_indicator(data, "chronic_absence", [], {"school_year": 2023}), "chronic_absence")
    assert only == {(): (0, 1)}


def test_race_ethnicity_needs_the_column() -> None:
    # Tables handed over as files or Arrow are conformed to the canonical schema (a missing column is null);
    # a caller's own view without the column (data written before the model had it) is refused by name.
    con = connect()
    old = world()
    register(con, old)
    con.register("old_person", old["person"].drop_columns(["race_ethnicity"]))
    con.execute('CREATE OR REPLACE VIEW "person" AS SELECT * FROM old_person')
    with pytest.raises(IndicatorError, match="race_ethnicity"):
        run_indicator(con, "chronic_absence", ["race_ethnicity"])
    data = world()
    data["person"] = people([("s1", "female"), ("s2", "male"), ("s3", "female"), ("s4", "male"),
                             ("s6", "female")], race_ethnicity=["Black", "White", "Black", "Hispanic", "White"])  # fmt: skip
    got = cells(run_indicator(data, "chronic_absence", ["race_ethnicity"]), "chronic_absence")
    assert got == {("All",): (4, 5), ("Black",): (2, 2), ("Hispanic",): (1, 1), ("White",): (1, 2)}


START_2023 = START.replace(year=2022)


def test_spell_edge_cases_count_days_as_the_calendar_says() -> None:
    """Days enrolled come from sorting entry and exit dates among the calendar days, not from a join per day:
    a spell sent twice counts once; one that starts on the holiday after the last day, or ends before it
    starts, has no days; entry and exit on instructional days both count; two events on one day count once."""
    data = world()
    data["enrollment"] = pa.concat_tables([
        data["enrollment"],
        enrollment([("s1", "A", "03", 1, None)]),  # s1's spell again: still 20 days
        enrollment([("s7", "A", "04", 21, None)]),  # starts on the holiday: no instructional day
        enrollment([("s8", "B", "04", 9, 8)]),  # exit before entry: nothing
        enrollment([("s9", "B", "04", 3, 14)]),  # days 3–14 inclusive: 12 days
    ])  # fmt: skip
    data["attendance_event"] = pa.concat_tables([
        data["attendance_event"],
        absences([("s9", "B", 5, "partial", 0.5), ("s9", "B", 5, "excused", None),  # one day, counted once
                  ("s9", "B", 6, "partial", 0.25)]),
    ])  # fmt: skip
    rate = cells(
        run_indicator(data, "attendance_rate", ["school"], {"min_days_enrolled": 1}), "attendance_rate"
    )
    # A: s1 20 (once), s2 20, s3 20; B: s4 20 (5 at A + 15 at B), s5 6, s6 20, s9 12; s7 and s8 have no days
    assert rate[("A",)] == (53.0, 60.0)
    assert rate[("B",)][1] == 20.0 + 6.0 + 20.0 + 12.0
    # s9 missed 1.25 of 12 days: attended 10.75 (s4 18, s5 5, s6 18 as before)
    assert rate[("B",)][0] == pytest.approx(18.0 + 5.0 + 18.0 + 10.75)
    assert rate[("All",)][1] == 118.0
