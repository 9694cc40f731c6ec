"""Reading OneRoster 1.1/1.2 CSV files: header matching with drift tolerance, row shape checks, duplicates.

Accepted and reported as warnings: header case/whitespace differences, a header with an extra or missing ``s``
(``orgSourcedId`` for ``orgSourcedIds``), a BOM, rows with extra *empty* trailing fields, a missing final
newline, unknown columns (ignored). Rejected as errors: two headers mapping to one field, a non-empty extra
field, a row with too few fields, a missing required column, a duplicate sourcedId with different content.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from .oneroster_specs import FileSpec
from .report import ParseResult
from .textio import csv_records


@dataclass
class Row:
    """One data row: its line number and its values by canonical column name (stripped; missing → "")."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The value of a column, or ``""``."""
        return self.values.get(column, "")


@dataclass
class FileRows:
    """The rows of one file, plus the header as written (canonical name → header text)."""

    file: str
    rows: list[Row] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)

    def col(self, column: str) -> str:
        """The column as the file spells it (for messages)."""
        return self.header.get(column, column)


def _variants(name: str) -> set[str]:
    low = name.lower()
    return {low[:-1]} if low.endswith("s") else {low + "s"}


def match_header(fields: list[str], spec: FileSpec, file: str, result: ParseResult) -> dict[int, str] | None:
    """Map header positions to canonical columns; None when the header is ambiguous or incomplete."""
    if len(fields) == 1 and any(d in fields[0] for d in ";\t|"):
        result.error("wrong-delimiter", file, 1, None, fields[0], "comma-separated values (OneRoster CSV)")
        return None
    exact = {c: c for c in spec.columns}
    lower = {c.lower(): c for c in spec.columns}
    plural = {v: c for c in spec.columns for v in _variants(c)}
    mapping: dict[int, str] = {}
    seen: dict[str, int] = {}
    ok = True
    for i, raw in enumerate(fields):
        text = raw.lstrip("\ufeff")
        key = text.strip()
        canonical = exact.get(key) or lower.get(key.lower()) or plural.get(key.lower())
        if canonical is None:
            if key:
                result.warning(
                    "unknown-column",
                    file,
                    1,
                    raw,
                    raw,
                    f"a OneRoster {spec.name}.csv column; this column is ignored",
                )
            continue
        if canonical in seen:
            result.error(
                "ambiguous-header",
                file,
                1,
                raw,
                raw,
                f"one column per field; {fields[seen[canonical]]!r} (column {seen[canonical] + 1}) "
                f"already maps to {canonical}",
            )
            ok = False
            continue
        if text != canonical:
            result.warning(
                "header-drift", file, 1, raw, raw, f"the OneRoster header {canonical!r} (accepted)"
            )
        seen[canonical] = i
        mapping[i] = canonical
    for column in spec.required:
        if column not in seen:
            result.error(
                "missing-column",
                file,
                1,
                column,
                None,
                f"a {column!r} column in the header of {spec.name}.csv",
            )
            ok = False
    return mapping if ok else None


def open_rows(
    raw: BinaryIO, spec: FileSpec, file: str, result: ParseResult
) -> tuple[FileRows, Iterator[Row]] | None:
    """The file's header (as a :class:`FileRows` without rows) and an iterator over its rows, read as they are
    needed; None when the file cannot be used at all. ``rows_read`` is set when the iterator is exhausted."""
    records = csv_records(raw, file, result, delimiter=",")
    first = next(records, None)
    if first is None:
        return None
    mapping = match_header(first[1], spec, file, result)
    if mapping is None:
        return None
    header = first[1]
    out = FileRows(file, header={c: header[i].strip() for i, c in mapping.items()})
    report_not_kept(header, mapping, spec, file, result)
    return out, _rows(records, header, mapping, file, result)


def _rows(
    records: Iterator[tuple[int, list[str]]],
    header: list[str],
    mapping: dict[int, str],
    file: str,
    result: ParseResult,
) -> Iterator[Row]:
    width = len(header)
    count = 0
    for line, fields in records:
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            result.warning("blank-line", file, line, None, None, "no blank lines between rows (skipped)")
            continue
        if len(fields) > width:
            extra = fields[width:]
            if any(x.strip() for x in extra):
                bad = next(i for i, x in enumerate(extra) if x.strip())
                result.error(
                    "extra-field",
                    file,
                    line,
                    f"field {width + bad + 1}",
                    extra[bad],
                    f"{width} fields as in the header; the extra field is not empty",
                )
                continue
            result.warning(
                "trailing-field",
                file,
                line,
                f"field {width + 1}",
                "",
                f"{width} fields as in the header; {len(extra)} extra empty field(s) ignored",
            )
        elif len(fields) < width:
            missing = header[len(fields)].strip()
            result.error(
                "too-few-fields",
                file,
                line,
                missing,
                None,
                f"{width} fields as in the header; the row has {len(fields)}",
            )
            continue
        count += 1
        yield Row(line, {c: fields[i].strip() for i, c in mapping.items()})
    result.rows_read[file] = count


def read_file(raw: BinaryIO, spec: FileSpec, file: str, result: ParseResult) -> FileRows | None:
    """Read one OneRoster file into rows; None when the file cannot be used at all."""
    opened = open_rows(raw, spec, file, result)
    if opened is None:
        return None
    out, rows = opened
    out.rows = list(rows)
    return out


def report_not_kept(
    header: list[str], mapping: dict[int, str], spec: FileSpec, file: str, result: ParseResult
) -> None:
    """List the file's columns whose values the hub does not keep: unknown ones and the spec's ``not_kept``."""
    dropped = [
        text.lstrip("\ufeff").strip()
        for i, text in enumerate(header)
        if (i not in mapping and text.strip()) or mapping.get(i) in spec.not_kept
    ]
    result.not_kept_columns(file, dropped)


def dedupe(rows: FileRows, result: ParseResult) -> list[Row]:
    """Rows with unique sourcedId: identical repeats are dropped with a warning, conflicting ones are errors."""
    first: dict[str, Row] = {}
    out: list[Row] = []
    for row in rows.rows:
        key = row.get("sourcedId")
        if not key:
            result.error("missing-value", rows.file, row.line, rows.col("sourcedId"), None, "a sourcedId")
            continue
        prior = first.get(key)
        if prior is None:
            first[key] = row
            out.append(row)
        elif prior.values == row.values:
            result.warning(
                "duplicate-row",
                rows.file,
                row.line,
                rows.col("sourcedId"),
                key,
                f"each sourcedId once; identical to line {prior.line} (dropped)",
            )
        else:
            diff = next(c for c in row.values if row.values[c] != prior.values.get(c))
            result.error(
                "duplicate-key",
                rows.file,
                row.line,
                rows.col("sourcedId"),
                key,
                f"a unique sourcedId; line {prior.line} has the same sourcedId with a different {diff}",
            )
    return out
