"""Date checks of canonical tables: dates inside 1900–2100, birth dates of school-age children, events inside
their school year. Like every check, a DuckDB query over the table wherever it is (see :mod:`.validate_tables`)."""

# ruff: noqa: S608 - table and column names in the SQL come from the canonical schema, never from input

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from .canonical import schema
from .report import ParseResult
from .validate_tables import MAX_REPORTED, Tables, quote, where
from .values import school_year_bounds

MIN_AGE, MAX_AGE = 3, 22
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def _check_date_ranges(result: ParseResult, t: Tables, name: str) -> None:
    for f in schema(name):
        if f.type != pa.date32() or not t.rows(name) or t.nulls(name, f.name) == t.rows(name):
            continue
        col = quote(f.name)
        sql = (
            f"SELECT source_file, source_line, {col} AS value FROM {t.view(name)} "
            f"WHERE {col} < ? OR {col} > ? ORDER BY _row LIMIT {MAX_REPORTED}"
        )
        for row in t.query(sql, [EARLIEST, LATEST]):
            file, line = where(row)
            result.error(
                "implausible-date",
                file,
                line,
                result.column_label(name, f.name),
                str(row["value"]),
                "a date between 1900 and 2100",
            )


def _check_school_years(result: ParseResult, t: Tables, name: str) -> None:
    if "school_year" not in schema(name).names or t.nulls(name, "school_year") == t.rows(name):
        return
    sql = (
        f"SELECT source_file, source_line, date, school_year FROM {t.view(name)} "
        "WHERE school_year BETWEEN 2 AND 9999 AND (date < make_date(school_year - 1, 7, 1) "
        f"OR date > make_date(school_year, 8, 31)) ORDER BY _row LIMIT {MAX_REPORTED}"
    )
    for row in t.query(sql, errors=False):  # warnings: they never hold a row back
        file, line = where(row)
        lo, hi = school_year_bounds(int(row["school_year"]))
        result.warning(
            "date-outside-school-year",
            file,
            line,
            result.column_label(name, "date"),
            str(row["date"]),
            f"a date in school year {row['school_year']} ({lo} to {hi})",
        )


def check_dates(result: ParseResult, t: Tables, reference_year: int | None = None) -> None:
    """Dates inside 1900–2100, birth dates of school-age children, events inside their school year."""
    for name in t.names:
        _check_date_ranges(result, t, name)
    _check_birth_dates(result, t, reference_year)
    for name in ("attendance_event", "discipline_action"):
        if name in t.names:
            _check_school_years(result, t, name)


def _check_birth_dates(result: ParseResult, t: Tables, reference_year: int | None) -> None:
    if not t.rows("person") or t.nulls("person", "birth_date") == t.rows("person"):
        return
    facts = [
        f"SELECT source_person_id, school_year FROM {t.view(n)}" for n in ("enrollment", "attendance_event")
    ]
    facts = [sql for sql, n in zip(facts, ("enrollment", "attendance_event"), strict=True) if t.rows(n)]
    years = (
        "SELECT source_person_id, max(school_year) AS year FROM ("
        + " UNION ALL ".join(facts)
        + ") WHERE school_year IS NOT NULL AND school_year <> 0 GROUP BY source_person_id"
        if facts
        else "SELECT NULL::VARCHAR AS source_person_id, NULL::INTEGER AS year WHERE false"
    )
    default_year = reference_year or dt.datetime.now(dt.UTC).year
    # The query only narrows the rows down to possible problems; the exact rule is applied below in Python.
    sql = (
        f"WITH years AS ({years}), p AS ("
        f"SELECT p._row, p.source_file, p.source_line, p.source_person_id, p.birth_date, "
        f"coalesce(y.year, ?) AS year FROM {t.view('person')} p "
        "LEFT JOIN years y ON y.source_person_id = p.source_person_id WHERE p.birth_date IS NOT NULL) "
        "SELECT * FROM p WHERE year BETWEEN 2 AND 9999 AND ("
        "birth_date > make_date(year - 1, 9, 1) - INTERVAL 4 YEAR "
        "OR birth_date < make_date(year - 1, 9, 1) - INTERVAL 22 YEAR) ORDER BY _row"
    )
    label = result.column_label("person", "birth_date")
    for row in t.query(sql, [default_year]):
        year = int(row["year"])
        start = dt.date(year - 1, 9, 1)
        birth: dt.date = row["birth_date"]
        age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
        file, line = where(row)
        located = (file, line, label)
        if row["source_person_id"] in result.birth_sources:
            located = result.birth_sources[row["source_person_id"]]
            if (
                line is not None
            ):  # the error names the demographics line; the row to hold back is the person's
                result.row_aliases[(located[0], located[1])] = (file, line)
        if birth > start + dt.timedelta(days=365):
            result.error("implausible-date", *located, str(birth), "a birth date in the past")
        elif not MIN_AGE <= age <= MAX_AGE:
            result.warning(
                "implausible-birth-date",
                *located,
                str(birth),
                f"a school-age child ({MIN_AGE}–{MAX_AGE} years old on {start}); this one is {age}",
            )
