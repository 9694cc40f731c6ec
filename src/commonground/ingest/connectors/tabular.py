"""Partners' own CSV and XLSX exports, read through a declarative :class:`~.mapping.Mapping`.

CSV is streamed (encoding and delimiter detected, bounded line length); XLSX is read row by row with
python-calamine (cached values only — formulas are never evaluated). Any text cell that starts like a formula
(``= + - @`` TAB CR) is kept as text and reported as a ``formula-like-value`` warning, so nobody who later opens
an export in a spreadsheet is attacked through it.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from . import canonical
from .edfi_records import ATTENDANCE
from .mapping import Mapping, normalize_header
from .report import ParseResult
from .textio import csv_records
from .validate import validate_result
from .values import looks_like_formula, parse_bool, parse_date, parse_float, parse_grade, parse_int, parse_sex

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _xlsx_records(
    path: Path, sheet: str | None, file: str, result: ParseResult
) -> Iterator[tuple[int, list[str]]]:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError, zipfile.BadZipFile) as exc:
        result.error("bad-spreadsheet", file, None, None, str(exc)[:100], "a readable XLSX workbook")
        return
    try:
        if sheet is not None and sheet not in book.sheet_names:
            result.error(
                "missing-sheet",
                file,
                None,
                None,
                sheet,
                f"a sheet named {sheet!r}; the workbook has {', '.join(book.sheet_names)}",
            )
            return
        data = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
        start = data.start[0] if data.start else 0
        for offset, row in enumerate(data.iter_rows()):
            yield start + offset + 1, [_cell_text(v) for v in row]
    except CalamineError as exc:
        result.error("bad-spreadsheet", file, None, None, str(exc)[:100], "a readable XLSX workbook")
    finally:
        book.close()


def _converter(table: str, name: str, typ: pa.DataType, mapping: Mapping) -> tuple[Callable[[str], Any], str]:
    formats = mapping.date_formats.get(name)
    if typ == pa.date32():
        shown = " or ".join(formats) if formats else "YYYY-MM-DD"
        return (lambda t: parse_date(t, formats)), f"a date as {shown}"
    if typ == pa.int32():
        return parse_int, "a whole number"
    if typ == pa.float64():
        return parse_float, "a number"
    if typ == pa.bool_():
        return parse_bool, "yes/no, true/false or 1/0"
    if name == "sex":
        return parse_sex, "female, male, nonbinary or not selected (or a value_maps entry)"
    if name == "grade_level":
        return parse_grade, "a grade level such as KG, 1 … 12, PK"
    if name == "category" and table == "attendance_event":
        cats = {**ATTENDANCE, **{c: c for c in canonical.ATTENDANCE_CATEGORIES}}
        return (lambda t: cats[t.strip().lower()]), "in_attendance, excused, unexcused, tardy or partial"
    return (lambda t: t), "text"


def _resolve_header(
    header: list[str], mapping: Mapping, file: str, result: ParseResult
) -> dict[str, int] | None:
    by_norm: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        by_norm.setdefault(normalize_header(h), []).append(i)
    positions: dict[str, int] = {}
    ok = True
    for name, wanted in mapping.columns.items():
        exact = [i for i, h in enumerate(header) if h == wanted]
        loose = by_norm.get(normalize_header(wanted), [])
        if len(exact) > 1 or (not exact and len(loose) > 1):
            found = exact or loose
            result.error(
                "ambiguous-header",
                file,
                1,
                header[found[1]],
                header[found[1]],
                f"one column for {name}; column {found[0] + 1} ({header[found[0]]!r}) matches too",
            )
            ok = False
        elif exact:
            positions[name] = exact[0]
        elif loose:
            positions[name] = loose[0]
            result.warning(
                "header-drift",
                file,
                1,
                header[loose[0]],
                header[loose[0]],
                f"the header {wanted!r} from the mapping (accepted)",
            )
        else:
            result.error(
                "missing-column",
                file,
                1,
                wanted,
                None,
                f"a column {wanted!r} (mapped to {name}); the headers are {', '.join(header)[:200]}",
            )
            ok = False
    used = set(positions.values())
    dropped = [h for i, h in enumerate(header) if i not in used and h.strip()]
    if dropped:
        result.notes.append(f"{file}: columns not kept (data minimization): {', '.join(dropped)}")
    return positions if ok else None


def parse_tabular(
    path: Path,
    mapping: Mapping,
    source_org: str | None = None,
    *,
    validate: bool = True,
    reference_year: int | None = None,
) -> ParseResult:
    """Parse one CSV or XLSX file with a mapping into one canonical table."""
    result = ParseResult()
    file = path.name
    org = source_org or mapping.constants.get("source_org")
    is_xlsx = path.suffix.lower() in XLSX_SUFFIXES
    if is_xlsx:
        records: Iterator[tuple[int, list[str]]] = _xlsx_records(path, mapping.sheet, file, result)
        raw = None
    else:
        raw = path.open("rb")
        records = csv_records(raw, file, result, delimiter=mapping.delimiter)
    try:
        _read(records, mapping, file, str(org) if org else None, result)
    finally:
        if raw is not None:
            raw.close()
    result.source_columns[mapping.table] = dict(mapping.columns)
    if validate:
        validate_result(result, reference_year=reference_year)
    return result.finish()


def _read(
    records: Iterator[tuple[int, list[str]]],
    mapping: Mapping,
    file: str,
    org: str | None,
    result: ParseResult,
) -> None:
    table = mapping.table
    schema = canonical.schema(table)
    first = next(records, None)
    if first is None:
        if not result.issues:
            result.error("empty-file", file, None, None, None, "a header row and data rows")
        return
    header = first[1]
    positions = _resolve_header(header, mapping, file, result)
    if positions is None:
        return
    converters = {n: _converter(table, n, schema.field(n).type, mapping) for n in positions}
    builder = canonical.TableBuilder(table)
    count = 0
    for line, fields in records:
        if not any(f.strip() for f in fields):
            continue
        count += 1
        row: dict[str, Any] = {**mapping.constants, "source_file": file, "source_line": line}
        if org:
            row["source_org"] = org
        if len(fields) > len(header) and any(f.strip() for f in fields[len(header) :]):
            extra = next(i for i in range(len(header), len(fields)) if fields[i].strip())
            result.error(
                "extra-field",
                file,
                line,
                f"field {extra + 1}",
                fields[extra],
                f"{len(header)} fields as in the header",
            )
            continue
        for name, pos in positions.items():
            label = header[pos]
            raw = fields[pos] if pos < len(fields) else ""
            if looks_like_formula(raw):
                result.warning(
                    "formula-like-value",
                    file,
                    line,
                    label,
                    raw,
                    "plain text; a value starting with = + - @ could run as a spreadsheet formula "
                    "(kept as text, never evaluated)",
                )
            text = raw.strip()
            if not text:
                row[name] = None
                continue
            vmap = mapping.value_maps.get(name)
            if vmap:
                text = vmap.get(
                    text, next((v for k, v in vmap.items() if k.casefold() == text.casefold()), text)
                )
            convert, expected = converters[name]
            try:
                row[name] = convert(text)
            except (ValueError, KeyError):
                code = "bad-date" if expected.startswith("a date") else "bad-value"
                result.error(code, file, line, label, raw, expected)
                row[name] = None
        builder.append(row)
    result.rows_read[file] = count
    result.tables[table] = builder.finish()
