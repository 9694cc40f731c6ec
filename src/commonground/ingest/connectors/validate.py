"""Validation of canonical tables: required fields, unique keys, references, plausible dates.

Every check is a DuckDB query over the table wherever it is — an in-memory Arrow table, or the Parquet file a
streaming parse staged (a staged batch is invisible until it is renamed and its manifest row commits, so
checking it there is safe). Only failing rows come back to Python, at most :data:`MAX_REPORTED` per check, in
table order, so a ten-million-row attendance table is checked without loading it. Running row and null counts
(``ParseResult.stats``) let checks that cannot fail (a column without nulls) skip their query.

Issues name the row's ``source_file``, ``source_line`` and the source's own column name
(``ParseResult.source_columns``).
"""

# ruff: noqa: S608 - table and column names in the SQL come from the canonical schema, never from input

from __future__ import annotations

from pathlib import Path

from .canonical import KEYS, REQUIRED
from .report import ParseResult
from .uniqueness import KeyHashes, duplicate_groups
from .validate_dates import EARLIEST, LATEST, MAX_AGE, MIN_AGE, check_dates
from .validate_tables import DUCKDB_CONFIG, LIVE, MAX_REPORTED, Tables, connection, quote, where

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


def check_required(result: ParseResult, t: Tables, name: str) -> None:
    """Every required field of a non-tombstone row has a value."""
    for column in REQUIRED.get(name, ()):
        if not t.nulls(name, column):
            continue
        sql = (
            f"SELECT source_file, source_line FROM {t.view(name)} WHERE {LIVE} AND {quote(column)} IS NULL "
            f"ORDER BY _row LIMIT {MAX_REPORTED}"
        )
        for row in t.query(sql):
            file, line = where(row)
            result.error(
                "missing-value",
                file,
                line,
                result.column_label(name, column),
                None,
                f"a value for {column} (required in {name})",
            )


def check_unique(result: ParseResult, t: Tables, name: str) -> None:
    """No two rows share the table's natural key.

    Tables whose key includes ``source_line`` (service contacts: two phone calls on one day are two contacts)
    have no natural key beyond the row itself, so they are not checked.
    """
    keys = list(KEYS.get(name, ()))
    if "source_line" in keys or not keys or t.rows(name) < 2:
        return
    label = result.column_label(name, keys[1] if len(keys) > 1 else keys[0])
    tombstones = t.nulls(name, "record_status") < t.rows(name)
    # A column with one value never tells rows apart: leave it out of the hash.
    varying = [k for k in keys if not t.constant(name, k)] or keys
    live = LIVE if tombstones else None
    known = getattr(t.result.sink, "key_hashes", None)
    hashes = known.get(name) if isinstance(known, KeyHashes) else None
    groups = duplicate_groups(t.con, t.view(name), keys, live, MAX_REPORTED, hashed=varying, hashes=hashes)
    if len(groups) >= MAX_REPORTED:
        result.row_errors_incomplete = f"{MAX_REPORTED} or more keys are repeated in {name}"
    for group in groups:
        lines, files = group["lines"], group["files"]
        key_text = ", ".join(f"{k}={group[k]}" for k in keys if k != "source_org")
        if lines[0] is not None:  # which of the rows is right is unknown: the first is held back too
            result.flag_row(
                str(files[0] or "input"),
                lines[0],
                f"{key_text}: the same key is on later rows [duplicate-key]",
            )
        for line, file in zip(lines[1:], files[1:], strict=True):
            result.error(
                "duplicate-key",
                str(file or "input"),
                line,
                label,
                key_text,
                f"one {name} row per key; the same key is on line {lines[0]} of {files[0]}",
            )


def report_unknown_references(
    result: ParseResult,
    t: Tables,
    name: str,
    column: str,
    key: str,
    target_view: str,
    label: str,
    expected: str,
) -> None:
    """An ``unknown-reference`` error for each live row of ``name`` whose ``column`` names no ``key`` of
    ``target_view`` (at most :data:`MAX_REPORTED`, in file order)."""
    sql = (
        f"SELECT source_file, source_line, {quote(column)} AS value FROM {t.view(name)} f "
        f"WHERE {LIVE} AND {quote(column)} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {target_view} r WHERE r.{quote(key)} = f.{quote(column)}) "
        f"ORDER BY _row LIMIT {MAX_REPORTED}"
    )
    for row in t.query(sql):
        file, line = where(row)
        result.error("unknown-reference", file, line, label, row["value"], expected)


def _check_ref(result: ParseResult, t: Tables, name: str, column: str, target: str, target_name: str) -> None:
    if not t.rows(name) or t.nulls(name, column) == t.rows(name):
        return
    key = "source_person_id" if target == "person" else "school_id"
    report_unknown_references(
        result, t, name, column, key, t.view(target), result.column_label(name, column),
        f"a {target_name} that is in this submission",
    )  # fmt: skip


def check_references(result: ParseResult, t: Tables) -> None:
    """Facts about people and schools must name people and schools of the same submission (when it has any)."""
    if t.rows("person"):
        for name in PERSON_REFS:
            if name in t.names:
                _check_ref(result, t, name, "source_person_id", "person", "student or person id")
    if t.rows("school"):
        for name in (*SCHOOL_REFS, "person"):
            if name in t.names:
                _check_ref(result, t, name, "school_id", "school", "school id")


def validate_result(
    result: ParseResult,
    *,
    references: bool = True,
    reference_year: int | None = None,
    temp_directory: Path | None = None,
) -> None:
    """Run every check on the result's tables (closing them first), adding issues to it."""
    result.close_tables()
    with connection(temp_directory) as con:
        t = Tables(con, result)
        for name in t.names:
            check_required(result, t, name)
            check_unique(result, t, name)
        if references:
            check_references(result, t)
        check_dates(result, t, reference_year)


__all__ = [
    "DUCKDB_CONFIG",
    "EARLIEST",
    "LATEST",
    "LIVE",
    "MAX_AGE",
    "MAX_REPORTED",
    "MIN_AGE",
    "PERSON_REFS",
    "SCHOOL_REFS",
    "Tables",
    "check_dates",
    "check_references",
    "check_required",
    "check_unique",
    "connection",
    "quote",
    "validate_result",
]
