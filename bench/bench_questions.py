"""Benchmarks of the questions engines: the chronic-absence indicator and a protected release, 100,000 students.

1. **Indicator vs hand-written SQL.** Canonical Parquet for one school year is generated with numpy (30
   schools, 180 instructional days, one enrollment per student and a second one for 5 % who move, absences and
   tardies as a student information system exports them: only the exceptions). Chronic absence by school ×
   grade with every margin is computed by :func:`run_indicator` and by one hand-written DuckDB query on the same
   files; the numbers must agree and the library may take at most 1.3× the hand-written time (best of three).
2. **A full release.** The same indicator broken down by school × grade × sex (every margin: 2,170 cells), and by
   school × grade, is computed and protected — primary and complementary suppression, and the LP audit until it
   passes — each in under 5 seconds (target). A release the engine cannot verify is refused, and reported so.
   Wall and CPU seconds are both reported (other jobs on the machine inflate the wall time only).

Run ``python bench/bench_questions.py --students 100000``; ``bench/run.py --only questions`` imports :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

TARGETS = {"indicator_ratio_max": 1.3, "release_seconds_max": 5.0}
SCHOOLS, DAYS, YEAR = 30, 180, 2024
GRADES = ("KG", *(f"{g:02d}" for g in range(1, 13)))


def generate(folder: Path, students: int, seed: int = 5) -> dict[str, Path]:
    """Canonical Parquet files for one school year: enrollment, calendar_date, attendance_event, person."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from commonground.ingest.connectors.canonical import schema

    rng = np.random.default_rng(seed)
    start = np.datetime64("2023-08-28")
    dates = start + np.array([d + 2 * (d // 5) for d in range(DAYS)])  # weekdays only
    ids = np.array([f"S{i:07d}" for i in range(students)], dtype=object)
    school = rng.integers(0, SCHOOLS, students)
    grade = rng.integers(0, len(GRADES), students)
    mover = rng.random(students) < 0.05
    move_day = rng.integers(20, DAYS - 20, students)
    move_day[move_day == DAYS // 2] += 1  # no ties between a mover's two spells
    school2 = (school + 1 + rng.integers(0, SCHOOLS - 1, students)) % SCHOOLS
    school_ids = np.array([f"SCH{s:02d}" for s in range(SCHOOLS)], dtype=object)
    grade_ids = np.array(GRADES, dtype=object)
    m = np.nonzero(mover)[0]

    def write(name: str, columns: dict[str, Any]) -> Path:
        n = len(next(iter(columns.values())))
        full = {f.name: columns.get(f.name, pa.nulls(n, f.type)) for f in schema(name)}
        path = folder / f"{name}.parquet"
        pq.write_table(pa.table({k: pa.array(v, schema(name).field(k).type) if not isinstance(v, pa.Array) else v
                                 for k, v in full.items()}), path)  # fmt: skip
        return path

    paths = {
        "enrollment": write("enrollment", {
            "source_org": np.full(students + m.size, "district", dtype=object),
            "source_person_id": np.concatenate([ids, ids[m]]),
            "school_id": np.concatenate([school_ids[school], school_ids[school2[m]]]),
            "school_year": np.full(students + m.size, YEAR, dtype=np.int32),
            "entry_date": np.concatenate([np.full(students, dates[0]), dates[move_day[m]]]),
            "exit_date": pa.array(np.concatenate([np.where(mover, dates[move_day - 1], np.datetime64("NaT")),
                                                  np.full(m.size, np.datetime64("NaT"))]).astype("datetime64[D]"),
                                  pa.date32()),
            "grade_level": np.concatenate([grade_ids[grade], grade_ids[grade[m]]]),
        }),
        "calendar_date": write("calendar_date", {
            "source_org": np.full(SCHOOLS * DAYS, "district", dtype=object),
            "school_id": np.repeat(school_ids, DAYS),
            "school_year": np.full(SCHOOLS * DAYS, YEAR, dtype=np.int32),
            "date": np.tile(dates, SCHOOLS),
            "instructional": np.ones(SCHOOLS * DAYS, dtype=bool),
        }),
    }  # fmt: skip
    # absence propensity: most students rarely absent, a fifth often (chronic absence around 15-20 %)
    p_abs = np.where(
        rng.random(students) < 0.2, rng.uniform(0.08, 0.25, students), rng.uniform(0.0, 0.07, students)
    )
    events = rng.random((students, DAYS), dtype=np.float32)
    absent = events < p_abs[:, None]
    tardy = ~absent & (events < p_abs[:, None] + 0.02)
    rows, days = np.nonzero(absent | tardy)
    in_second = mover[rows] & (days >= move_day[rows])
    category = np.where(
        tardy[rows, days], "tardy", np.where(rng.random(rows.size) < 0.6, "excused", "unexcused")
    )
    paths["attendance_event"] = write("attendance_event", {
        "source_org": np.full(rows.size, "district", dtype=object),
        "source_person_id": ids[rows],
        "school_id": np.where(in_second, school_ids[school2[rows]], school_ids[school[rows]]),
        "school_year": np.full(rows.size, YEAR, dtype=np.int32),
        "date": dates[days],
        "category": category.astype(object),
    })  # fmt: skip
    sex = rng.choice(np.array(["female", "male", "nonbinary", "not_selected"], dtype=object), students,
                     p=[0.49, 0.49, 0.005, 0.015])  # fmt: skip
    paths["person"] = write("person", {"source_org": np.full(students, "district", dtype=object),
                                       "source_person_id": ids, "sex": sex})  # fmt: skip
    return paths


def hand_written(paths: dict[str, Path]) -> Any:
    """What an analyst would write for chronic absence by school × grade on these files (movers included)."""
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    sql = f"""
    WITH cal AS (SELECT school_id, date FROM read_parquet('{paths["calendar_date"]}') WHERE instructional),
    spells AS (
      SELECT e.source_person_id AS sid, e.school_id, e.grade_level, e.entry_date,
             COALESCE(e.exit_date, DATE '9999-12-31') AS exit_date, count(*)::DOUBLE AS enrolled
      FROM read_parquet('{paths["enrollment"]}') e JOIN cal c ON c.school_id = e.school_id
       AND c.date BETWEEN e.entry_date AND COALESCE(e.exit_date, DATE '9999-12-31')
      GROUP BY ALL),
    missed AS (
      SELECT source_person_id AS sid, school_id, date,
             max(CASE WHEN category = 'partial' THEN least(COALESCE(duration, 0), 1)
                      ELSE least(COALESCE(duration, 1), 1) END) AS missed
      FROM read_parquet('{paths["attendance_event"]}')
      WHERE category IN ('excused', 'unexcused', 'partial') GROUP BY ALL),
    spell_absent AS (
      SELECT s.sid, s.school_id, s.entry_date, sum(m.missed) AS absent
      FROM spells s JOIN missed m ON m.sid = s.sid AND m.school_id = s.school_id
       AND m.date BETWEEN s.entry_date AND s.exit_date GROUP BY ALL),
    per_student AS (
      SELECT s.sid, arg_max(s.school_id, s.enrolled) AS school, arg_max(s.grade_level, s.enrolled) AS grade,
             sum(s.enrolled) AS enrolled, sum(COALESCE(a.absent, 0)) AS absent
      FROM spells s LEFT JOIN spell_absent a USING (sid, school_id, entry_date) GROUP BY s.sid)
    SELECT COALESCE(school, 'All') AS school, COALESCE(grade, 'All') AS grade,
           sum(CASE WHEN absent / enrolled >= 0.1 THEN 1 ELSE 0 END)::DOUBLE AS numerator,
           count(*)::DOUBLE AS denominator
    FROM per_student WHERE enrolled >= 10 GROUP BY CUBE (school, grade)
    """  # noqa: S608 - file paths made by this benchmark
    try:
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def _best(fn: Any, repeats: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


#: The releases timed: chronic absence with every margin of these breakdowns.
RELEASES = {"school_grade_sex": ["school", "grade", "sex"], "school_grade": ["school", "grade"]}


def _release(paths: dict[str, Path], dims: list[str]) -> dict[str, Any]:
    """Compute, protect and audit one release; its time, summary, and whether it met the target."""
    from commonground.questions.indicators import run_indicator
    from commonground.questions.suppression import DisclosureRisk, protect

    t0, c0 = time.perf_counter(), time.process_time()
    computed = run_indicator(paths, "chronic_absence", dims)
    compute_s = time.perf_counter() - t0
    try:
        protected = protect(computed, 10)
        summary: dict[str, Any] = protected.summary
        outcome = "published"
    except DisclosureRisk as err:
        summary = {"unresolved_exposures": len(err.exposures)}
        outcome = "refused"
    seconds = time.perf_counter() - t0
    return {
        "cells": computed.num_rows,
        "compute_seconds": round(compute_s, 3),
        "seconds": round(seconds, 3),
        # CPU time of this process (DuckDB's threads included): on a machine shared with other jobs the wall
        # time above also counts the waiting; the target is judged on wall time all the same
        "cpu_seconds": round(time.process_time() - c0, 3),
        "outcome": outcome,
        "summary": summary,
        "passed": outcome == "published" and seconds < TARGETS["release_seconds_max"],
    }


def run(students: int = 100_000) -> dict[str, Any]:
    """Generate the files, time both benchmarks, check the numbers agree and the targets are met."""
    from commonground.questions.indicators import run_indicator

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = generate(Path(tmp), students)
        gen_s = time.perf_counter() - t0
        import pyarrow.parquet as pq

        events = pq.read_metadata(paths["attendance_event"]).num_rows
        ours_s, ours = _best(lambda: run_indicator(paths, "chronic_absence", ["school", "grade"]))
        hand_s, hand = _best(lambda: hand_written(paths))
        ours_cells = {(r["school"], r["grade"]): (r["numerator"], r["denominator"])
                      for r in ours.to_pylist() if r["denominator"] > 0}  # fmt: skip
        hand_cells = {(r["school"], r["grade"]): (r["numerator"], r["denominator"]) for r in hand.to_pylist()}
        releases = {name: _release(paths, dims) for name, dims in RELEASES.items()}
    ratio = ours_s / hand_s
    checks = {
        "same_numbers": ours_cells == hand_cells,
        "indicator_ratio": ratio <= TARGETS["indicator_ratio_max"],
        **{f"release_{name}": r["passed"] for name, r in releases.items()},
    }
    return {
        "benchmark": "questions",
        "students": students,
        "attendance_events": events,
        "generate_seconds": round(gen_s, 2),
        "indicator_seconds": round(ours_s, 3),
        "hand_written_seconds": round(hand_s, 3),
        "indicator_ratio": round(ratio, 3),
        "releases": releases,
        "targets": TARGETS,
        "checks": checks,
        "passed": all(checks.values()),
    }


def main() -> None:
    """Command line: ``--students N``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=100_000)
    args = parser.parse_args()
    print(json.dumps(run(args.students), indent=2, default=str))


if __name__ == "__main__":
    main()
