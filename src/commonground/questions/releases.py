"""A release's tidy CSV: building it from protected tables, reading it back (Django-free).

The published format (issue 6, item 4): one column per breakdown dimension (``All`` marks a total), then
``measure, numerator, denominator, value, status``. ``status`` is ``published`` or ``suppressed``; a
suppressed row has empty numbers, never 0.

- :func:`merge_tables` — the protected tables of one release (one per indicator × breakdown set) as one table
  over the union of their dimensions;
- :func:`to_csv` / :func:`release_rows` / :func:`release_dims` — write and read the CSV;
- :func:`audit_table` — the part of a published CSV that one breakdown set of one indicator published, as the
  Arrow table the disclosure audit takes as an earlier release.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

TOTAL = "All"
PUBLISHED, SUPPRESSED = "published", "suppressed"
NUMBERS = ("numerator", "denominator", "value")
TAIL = ("measure", *NUMBERS, "status")
#: Schema metadata key the disclosure audit reads to know which measures are proportions.
META_PROPORTIONS = b"commonground.proportions"

Row = dict[str, Any]


class ReleaseFormatError(ValueError):
    """A CSV that is not a release in the published format (named column or line)."""


def table_dims(table: pa.Table) -> list[str]:
    """The breakdown columns of a protected table (those before ``measure``)."""
    names = table.column_names
    if "measure" not in names:
        raise ReleaseFormatError("the table has no 'measure' column")
    return names[: names.index("measure")]


def merge_tables(tables: Sequence[pa.Table]) -> tuple[list[str], list[Row]]:
    """One table over the union of the tables' dimensions: missing dimensions are ``All``.

    A cell published by two tables (the grand total of two breakdown sets) appears once. Should two tables
    disagree on whether it is hidden, it is hidden: hiding more can only widen what anyone can infer.
    """
    dims: list[str] = []
    for table in tables:
        dims += [d for d in table_dims(table) if d not in dims]
    merged: dict[tuple[str, ...], Row] = {}
    for table in tables:
        for raw in table.to_pylist():
            row: Row = {d: str(raw.get(d, TOTAL)) for d in dims}
            row["measure"] = str(raw["measure"])
            hidden = raw["status"] != PUBLISHED
            row.update({n: None if hidden else raw[n] for n in NUMBERS})
            row["status"] = SUPPRESSED if hidden else PUBLISHED
            key = (*(row[d] for d in dims), row["measure"])
            if key in merged and merged[key]["status"] != row["status"]:
                merged[key].update(dict.fromkeys(NUMBERS), status=SUPPRESSED)
            merged.setdefault(key, row)
    return dims, list(merged.values())


def _number(value: Any) -> str:
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def to_csv(dims: Sequence[str], rows: Iterable[Row]) -> str:
    """The tidy CSV text (``\\n`` line ends); hidden numbers are empty cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*dims, *TAIL])
    for row in rows:
        hidden = row["status"] != PUBLISHED
        numbers = ["" if hidden else _number(row[n]) for n in NUMBERS]
        writer.writerow([*(row[d] for d in dims), row["measure"], *numbers, row["status"]])
    return out.getvalue()


def sha256_text(text: str) -> str:
    """The SHA-256 of the CSV's UTF-8 bytes, as the release records it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _parse(text: str, column: str, line: int) -> float | None:
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise ReleaseFormatError(f"line {line}: {column} {text!r} is not a number") from None


def release_rows(csv_text: str) -> list[Row]:
    """The rows of a release CSV as dicts: dimensions as text, numbers as float (``None`` when hidden).

    Example:
        >>> release_rows("school,measure,numerator,denominator,value,status\\nAll,x,5,10,0.5,published\\n")
        [{'school': 'All', 'measure': 'x', 'numerator': 5.0, 'denominator': 10.0, 'value': 0.5, 'status': 'published'}]
    """
    reader = csv.DictReader(io.StringIO(csv_text))
    header = list(reader.fieldnames or [])
    if header[-len(TAIL) :] != list(TAIL):
        raise ReleaseFormatError(
            f"a release CSV ends with the columns {', '.join(TAIL)}; got {', '.join(header)}"
        )
    dims = header[: -len(TAIL)]
    rows: list[Row] = []
    for line, raw in enumerate(reader, start=2):
        status = raw["status"]
        if status not in (PUBLISHED, SUPPRESSED):
            raise ReleaseFormatError(f"line {line}: status {status!r} is neither published nor suppressed")
        row: Row = {d: raw[d] for d in dims}
        row["measure"] = raw["measure"]
        row.update({n: _parse(raw[n], n, line) for n in NUMBERS})
        row["status"] = status
        rows.append(row)
    return rows


def release_dims(rows: Sequence[Row]) -> list[str]:
    """The breakdown dimensions of release rows (the columns before ``measure``); none for an empty release."""
    if not rows:
        return []
    keys = list(rows[0])
    return keys[: keys.index("measure")]


def audit_table(
    rows: Sequence[Row], breakdowns: Sequence[str], measures: Sequence[str], proportions: Sequence[str]
) -> pa.Table:
    """The cells one breakdown set of one indicator published, as the audit reads an earlier release.

    Keeps the rows whose other dimensions are ``All`` and whose measure is one of ``measures``; marks which
    measures are proportions in the schema metadata (as the indicator runner does).
    """
    dims = release_dims(rows)
    missing = [b for b in breakdowns if b not in dims]
    if missing:
        raise ReleaseFormatError(f"the release has no {', '.join(missing)} column")
    others = [d for d in dims if d not in breakdowns]
    wanted = set(measures)
    kept = [r for r in rows if r["measure"] in wanted and all(r[d] == TOTAL for d in others)]
    columns: dict[str, pa.Array] = {b: pa.array([r[b] for r in kept], pa.string()) for b in breakdowns}
    columns["measure"] = pa.array([r["measure"] for r in kept], pa.string())
    for n in NUMBERS:
        columns[n] = pa.array([r[n] for r in kept], pa.float64())
    columns["status"] = pa.array([r["status"] for r in kept], pa.string())
    meta = {META_PROPORTIONS: json.dumps(sorted(set(proportions) & wanted)).encode()}
    return pa.table(columns).replace_schema_metadata(meta)
