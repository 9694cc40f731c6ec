"""Validation of canonical tables: required fields, unique keys, references, plausible dates.

Every check is vectorised with pyarrow and only the failing rows are turned into Python objects, so a
ten-million-row attendance table is checked without materialising it. Issues name the row's ``source_file``,
``source_line`` and the source's own column name (``ParseResult.source_columns``).
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from .canonical import KEYS, REQUIRED
from .report import ParseResult
from .values import school_year_bounds

MIN_AGE, MAX_AGE = 3, 22
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
#: Tables whose ``source_person_id`` must name a person of the same submission (when it has people).
PERSON_REFS = (
    "enrollment",
    "attendance_event",
    "attendance_summary",
    "discipline_action",
    "course_grade",
    "assessment_result",
    "program_participation",
    "service_contact",
)
SCHOOL_REFS = (
    "enrollment",
    "attendance_event",
    "attendance_summary",
    "discipline_action",
    "course_grade",
    "calendar_date",
)
MAX_REPORTED = 1000


def _live(table: pa.Table) -> pa.Table:
    """Rows that are not tombstones."""
    status = table.column("record_status")
    mask = pc.fill_null(pc.not_equal(status, "tobedeleted"), True)
    return table.filter(mask)


def _rows(table: pa.Table, mask: pa.ChunkedArray | pa.Array, *columns: str) -> list[dict[str, object]]:
    return (
        table.filter(mask).select(["source_file", "source_line", *columns]).slice(0, MAX_REPORTED).to_pylist()
    )


def _where(result: ParseResult, row: dict[str, object]) -> tuple[str, int | None]:
    line = row.get("source_line")
    return str(row.get("source_file") or "input"), int(line) if isinstance(line, int) else None


def check_required(result: ParseResult, name: str, table: pa.Table) -> None:
    """Every required field of a non-tombstone row has a value."""
    live = _live(table)
    for column in REQUIRED.get(name, ()):
        mask = pc.is_null(live.column(column))
        if pc.any(mask).as_py():
            for row in _rows(live, mask):
                file, line = _where(result, row)
                result.error(
                    "missing-value",
                    file,
                    line,
                    result.column_label(name, column),
                    None,
                    f"a value for {column} (required in {name})",
                )


def check_unique(result: ParseResult, name: str, table: pa.Table) -> None:
    """No two rows share the table's natural key.

    Tables whose key includes ``source_line`` (service contacts: two phone calls on one day are two contacts)
    have no natural key beyond the row itself, so they are not checked.
    """
    if "source_line" in KEYS.get(name, ()):
        return
    keys = list(KEYS.get(name, ()))
    if not keys or table.num_rows < 2:
        return
    live = _live(table)
    grouped = live.group_by(keys, use_threads=False).aggregate(
        [("source_line", "list"), ("source_file", "list")]
    )
    counts = pc.list_value_length(grouped.column("source_line_list"))
    dups = grouped.filter(pc.greater(counts, 1)).slice(0, MAX_REPORTED).to_pylist()
    label = result.column_label(name, keys[1] if len(keys) > 1 else keys[0])
    for group in dups:
        lines, files = group["source_line_list"], group["source_file_list"]
        key_text = ", ".join(f"{k}={group[k]}" for k in keys if k != "source_org")
        for line, file in zip(lines[1:], files[1:], strict=True):
            result.error(
                "duplicate-key",
                str(file or "input"),
                line,
                label,
                key_text,
                f"one {name} row per key; the same key is on line {lines[0]} of {files[0]}",
            )


def _check_ref(
    result: ParseResult, name: str, table: pa.Table, column: str, target: pa.Array, target_name: str
) -> None:
    live = _live(table)
    values = live.column(column)
    mask = pc.and_(pc.invert(pc.is_in(values, value_set=target)), pc.is_valid(values))
    if pc.any(mask).as_py():
        for row in _rows(live, mask, column):
            file, line = _where(result, row)
            result.error(
                "unknown-reference",
                file,
                line,
                result.column_label(name, column),
                row[column],
                f"a {target_name} that is in this submission",
            )


def check_references(result: ParseResult) -> None:
    """Facts about people and schools must name people and schools of the same submission (when it has any)."""
    tables = result.tables
    person = tables.get("person")
    if person is not None and person.num_rows:
        ids = pc.unique(person.column("source_person_id").combine_chunks())
        for name in PERSON_REFS:
            if name in tables:
                _check_ref(result, name, tables[name], "source_person_id", ids, "student or person id")
    school = tables.get("school")
    if school is not None and school.num_rows:
        ids = pc.unique(school.column("school_id").combine_chunks())
        for name in (*SCHOOL_REFS, "person"):
            if name in tables:
                _check_ref(result, name, tables[name], "school_id", ids, "school id")


def check_dates(result: ParseResult, reference_year: int | None = None) -> None:
    """Dates inside 1900–2100, birth dates of school-age children, events inside their school year."""
    for name, table in result.tables.items():
        for f in table.schema:
            if f.type != pa.date32() or not table.num_rows:
                continue
            col = table.column(f.name)
            mask = pc.fill_null(pc.or_(pc.less(col, EARLIEST), pc.greater(col, LATEST)), False)
            for row in _rows(table, mask, f.name) if pc.any(mask).as_py() else []:
                file, line = _where(result, row)
                result.error(
                    "implausible-date",
                    file,
                    line,
                    result.column_label(name, f.name),
                    str(row[f.name]),
                    "a date between 1900 and 2100",
                )
    _check_birth_dates(result, reference_year)
    for name in ("attendance_event", "discipline_action"):
        table = result.tables.get(name)
        if table is None or not table.num_rows or "school_year" not in table.schema.names:
            continue
        rows = table.filter(pc.is_valid(table.column("school_year"))).select(
            ["source_file", "source_line", "school_year", "date"]
        )
        years = pc.cast(rows.column("school_year"), pa.int32())
        start = pc.cast(
            pc.strptime(
                pc.binary_join_element_wise(pc.cast(pc.subtract(years, 1), pa.string()), "-07-01", ""),
                "%Y-%m-%d",
                "s",
            ),
            pa.date32(),
        )
        end = pc.cast(
            pc.strptime(
                pc.binary_join_element_wise(pc.cast(years, pa.string()), "-08-31", ""), "%Y-%m-%d", "s"
            ),
            pa.date32(),
        )
        date = rows.column("date")
        mask = pc.fill_null(pc.or_(pc.less(date, start), pc.greater(date, end)), False)
        if pc.any(mask).as_py():
            for row in _rows(rows, mask, "date", "school_year"):
                file, line = _where(result, row)
                lo, hi = school_year_bounds(int(row["school_year"]))  # type: ignore[call-overload]
                result.warning(
                    "date-outside-school-year",
                    file,
                    line,
                    result.column_label(name, "date"),
                    str(row["date"]),
                    f"a date in school year {row['school_year']} ({lo} to {hi})",
                )


def _check_birth_dates(result: ParseResult, reference_year: int | None) -> None:
    person = result.tables.get("person")
    if person is None or not person.num_rows:
        return
    years: dict[str, int] = {}
    for name in ("enrollment", "attendance_event"):
        facts = result.tables.get(name)
        if facts is None or not facts.num_rows:
            continue
        per_person = facts.group_by("source_person_id", use_threads=False).aggregate([("school_year", "max")])
        for row in per_person.to_pylist():
            if row["school_year_max"]:
                pid = row["source_person_id"]
                years[pid] = max(years.get(pid, 0), row["school_year_max"])
    default_year = reference_year or dt.datetime.now(dt.UTC).year
    rows = (
        person.filter(pc.is_valid(person.column("birth_date")))
        .select(["source_file", "source_line", "source_person_id", "birth_date"])
        .to_pylist()
    )
    for row in rows:
        year = years.get(row["source_person_id"], default_year)
        start = dt.date(year - 1, 9, 1)
        birth: dt.date = row["birth_date"]
        age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
        file, line = _where(result, row)
        label = result.column_label("person", "birth_date")
        if row["source_person_id"] in result.birth_sources:
            file, line, label = result.birth_sources[row["source_person_id"]]
        if birth > start + dt.timedelta(days=365):
            result.error("implausible-date", file, line, label, str(birth), "a birth date in the past")
        elif not MIN_AGE <= age <= MAX_AGE:
            result.warning(
                "implausible-birth-date",
                file,
                line,
                label,
                str(birth),
                f"a school-age child ({MIN_AGE}–{MAX_AGE} years old on {start}); this one is {age}",
            )


def validate_result(
    result: ParseResult, *, references: bool = True, reference_year: int | None = None
) -> None:
    """Run every check on the result's tables, adding issues to it."""
    for name, table in result.tables.items():
        check_required(result, name, table)
        check_unique(result, name, table)
    if references:
        check_references(result)
    check_dates(result, reference_year)
