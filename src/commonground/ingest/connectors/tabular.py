"""Partners' own CSV and XLSX exports, read through a declarative :class:`~.mapping.Mapping`.

CSV is streamed in blocks (encoding and delimiter detected, bounded line length): plain blocks are parsed by
pyarrow and converted column by column (:mod:`.tabular_arrow`), anything else record by record with the exact
reader (:mod:`.csvblocks` decides); both give the same values, errors and line numbers. XLSX is read row by row with
python-calamine (cached values only — formulas are never evaluated). Any text cell that starts like a formula
(``= + - @`` TAB CR) is kept as text and reported as a ``formula-like-value`` warning, so nobody who later opens
an export in a spreadsheet is attacked through it.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from .canonical import TableBuilder
from .csvblocks import ArrowBlock, Records, csv_blocks, grouped
from .mapping import Mapping, normalize_header
from .report import ParseResult
from .tabular_arrow import convert_block
from .tabular_columns import FORMULA_EXPECTED, Column, columns_for, constant_values
from .validate import validate_result

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
    result.not_kept_columns(file, dropped)
    return positions if ok else None


def parse_tabular(
    path: Path,
    mapping: Mapping,
    source_org: str | None = None,
    *,
    validate: bool = True,
    reference_year: int | None = None,
    result: ParseResult | None = None,
) -> ParseResult:
    """Parse one CSV or XLSX file with a mapping into one canonical table.

    Pass ``result`` (for example one streaming into a :class:`~.sink.ParquetSink`) to add the file to it;
    several files of one submission then share one result, and ``validate=False`` leaves the checks to the
    caller, once all files are in.
    """
    result = ParseResult() if result is None else result
    read_tabular(path, mapping, source_org, result)
    if validate:
        validate_result(result, reference_year=reference_year)
    return result.finish()


def read_tabular(path: Path, mapping: Mapping, source_org: str | None, result: ParseResult) -> None:
    """Read one CSV or XLSX file into ``result`` (batches emitted as they are converted; not validated)."""
    file = path.name
    org = source_org or mapping.constants.get("source_org")
    reader = _Reader(mapping, file, str(org) if org else None, result)
    if path.suffix.lower() in XLSX_SUFFIXES:
        reader.consume(grouped(_xlsx_records(path, mapping.sheet, file, result)))
    else:
        with path.open("rb") as raw:
            blocks = csv_blocks(raw, file, result, delimiter=mapping.delimiter, dictionary=reader.dictionary)
            reader.consume(blocks)
    result.source_columns[mapping.table] = dict(mapping.columns)


class _Reader:
    """Turns a file's records and blocks into canonical batches of the mapping's table."""

    def __init__(self, mapping: Mapping, file: str, org: str | None, result: ParseResult) -> None:
        self.mapping = mapping
        self.file = file
        self.result = result
        self.constants = constant_values(mapping, file, org)
        self.header: list[str] | None = None
        self.columns: list[Column] = []
        #: Header positions pyarrow should dictionary-encode (filled once the header is known).
        self.dictionary: set[int] = set()
        self.builder: TableBuilder | None = None
        self.count = 0

    def consume(self, blocks: Iterator[Records | ArrowBlock]) -> None:
        """Read every block (stops early when the header cannot be used)."""
        for block in blocks:
            if isinstance(block, ArrowBlock):
                self._arrow(block)
            elif not self._records(block):
                return
        if self.header is None:
            if not self.result.issues:
                self.result.error("empty-file", self.file, None, None, None, "a header row and data rows")
            return
        if self.builder is not None:
            self.builder.finish()
            self.result.rows_read[self.file] = self.count

    def _start(self, header: list[str]) -> bool:
        self.header = header
        positions = _resolve_header(header, self.mapping, self.file, self.result)
        if positions is None:
            return False
        self.columns = columns_for(self.mapping, positions, header)
        self.dictionary.update(c.pos for c in self.columns if not c.plain)
        self.builder = self.result.builder(self.mapping.table)
        return True

    def _records(self, records: Records) -> bool:
        for line, fields in records:
            if self.header is None:
                if not self._start(fields):
                    return False
                continue
            self._row(line, fields)
        return True

    def _row(self, line: int, fields: list[str]) -> None:
        assert self.header is not None and self.builder is not None  # noqa: S101 - set by _start
        if not any(f.strip() for f in fields):
            return
        self.count += 1
        width = len(self.header)
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            extra = next(i for i in range(width, len(fields)) if fields[i].strip())
            self.result.error(
                "extra-field",
                self.file,
                line,
                f"field {extra + 1}",
                fields[extra],
                f"{width} fields as in the header",
            )
            return
        if (
            len(fields) < width
        ):  # a cut-off row (a truncated file's last line) is ambiguous: never guess the rest
            self.result.error(
                "too-few-fields",
                self.file,
                line,
                self.header[len(fields)].strip(),
                None,
                f"{width} fields as in the header; the row has {len(fields)}",
            )
            return
        row: dict[str, Any] = {**self.constants, "source_line": line}
        for column in self.columns:
            raw = fields[column.pos] if column.pos < len(fields) else ""
            value, code, formula = column.outcome(raw)
            if formula:
                self.result.warning(
                    "formula-like-value", self.file, line, column.label, raw, FORMULA_EXPECTED
                )
            if code is not None:
                self.result.error(code, self.file, line, column.label, raw, column.expected)
            row[column.name] = value
        self.builder.append(row)

    def _arrow(self, block: ArrowBlock) -> None:
        assert self.builder is not None  # noqa: S101 - blocks follow a usable header
        self.builder.flush()  # rows of earlier records go first, in file order
        rows = convert_block(block, self.columns, self.constants, self.mapping.table, self.file, self.result)
        self.count += rows.num_rows
        if rows.num_rows:
            self.result.emit(self.mapping.table, rows)
