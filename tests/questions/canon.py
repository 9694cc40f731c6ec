"""Small hand-made canonical tables for indicator tests (every number in the tests is worked out by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

from commonground.ingest.connectors.canonical import schema

START = dt.date(2023, 9, 4)  # school year 2024 (2023–24)
YEAR = 2024


def table(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Rows (dicts with a subset of the columns) as a table with the full canonical schema."""
    return pa.Table.from_pylist([dict(r) for r in rows], schema=schema(name))


def day(n: int, start: dt.date = START) -> dt.date:
    """The n-th (1-based) instructional day of the test calendar: consecutive dates from ``start``."""
    return start + dt.timedelta(days=n - 1)


def calendar(schools: Iterable[str], days: int = 20, org: str = "d", year: int = YEAR,
             start: dt.date = START) -> pa.Table:  # fmt: skip
    """``days`` instructional days per school, plus one non-instructional day (a holiday) after them."""
    rows = []
    for school in schools:
        rows += [{"source_org": org, "school_id": school, "school_year": year, "date": day(n, start),
                  "instructional": True, "calendar_code": "c"} for n in range(1, days + 1)]  # fmt: skip
        rows.append({"source_org": org, "school_id": school, "school_year": year, "date": day(days + 1, start),
                     "instructional": False, "calendar_code": "c"})  # fmt: skip
    return table("calendar_date", rows)


def enrollment(spells: Iterable[tuple[str, str, str, int, int | None]], org: str = "d", year: int = YEAR,
               start: dt.date = START) -> pa.Table:  # fmt: skip
    """(student, school, grade, first day, last day or None) spells."""
    return table("enrollment", [
        {"source_org": org, "source_person_id": sid, "school_id": school, "grade_level": grade,
         "school_year": year, "entry_date": day(first, start), "exit_date": day(last, start) if last else None}
        for sid, school, grade, first, last in spells
    ])  # fmt: skip


def absences(events: Iterable[tuple[str, str, int, str, float | None]], org: str = "d",
             start: dt.date = START) -> pa.Table:  # fmt: skip
    """(student, school, day, category, duration) attendance events."""
    return table("attendance_event", [
        {"source_org": org, "source_person_id": sid, "school_id": school, "date": day(n, start),
         "category": cat, "duration": dur, "school_year": YEAR}
        for sid, school, n, cat, dur in events
    ])  # fmt: skip


def people(rows: Iterable[tuple[str, str]], org: str = "d", **extra: list[Any]) -> pa.Table:
    """(student, sex) person records; ``extra`` adds columns (e.g. race_ethnicity) as given."""
    rows = list(rows)
    t = table("person", [{"source_org": org, "source_person_id": sid, "sex": sex} for sid, sex in rows])
    for name, values in extra.items():
        column = pa.array(values, pa.string())
        if name in t.column_names:  # a canonical column (race_ethnicity is one): fill it
            t = t.set_column(t.column_names.index(name), name, column)
        else:
            t = t.append_column(name, column)
    return t


def cells(result: pa.Table, measure: str) -> dict[tuple[str, ...], tuple[float, float]]:
    """{(dim values…): (numerator, denominator)} for one measure of an indicator result."""
    dims = [
        c
        for c in result.column_names
        if c not in ("measure", "numerator", "denominator", "value", "students")
    ]
    out = {}
    for r in result.to_pylist():
        if r["measure"] == measure:
            out[tuple(r[d] for d in dims)] = (r["numerator"], r["denominator"])
    return out
