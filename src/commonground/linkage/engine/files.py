"""Read a file of people (CSV in any common encoding, XLSX, Parquet) into columns of text, headers as written."""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineError, CalamineWorkbook

from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.textio import csv_records

XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
PARQUET_SUFFIXES = frozenset({".parquet", ".pq"})


class InputError(ValueError):
    """A file that cannot be used; the message names the file and says what was expected."""


@dataclass
class RawTable:
    """A file's header and its cells as text (None for an empty cell), plus what reading noticed."""

    name: str
    headers: list[str]
    columns: list[list[str | None]]
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Number of data rows."""
        return len(self.columns[0]) if self.columns else 0


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _from_rows(name: str, rows: list[list[object]], notes: list[str]) -> RawTable:
    if not rows or not any(_text(v) for v in rows[0]):
        raise InputError(f"{name} is empty: expected a header row and at least one record")
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    width = len(headers)
    body = [r for r in rows[1:] if any(_text(v) for v in r)]
    if not body:
        raise InputError(f"{name} has a header but no records")
    columns = [[_text(r[i]) if i < len(r) else None for r in body] for i in range(width)]
    return RawTable(name, headers, columns, notes)


def _read_csv(path: Path) -> RawTable:
    result = ParseResult()
    with path.open("rb") as raw:
        rows: list[list[object]] = [
            list(fields) for _, fields in csv_records(raw, path.name, result, delimiter=None)
        ]
    if result.errors:
        raise InputError(result.errors[0].message)
    return _from_rows(path.name, rows, [i.message for i in result.warnings])


def _read_xlsx(path: Path) -> RawTable:
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            rows: list[list[object]] = [list(r) for r in book.get_sheet_by_index(0).iter_rows()]
        finally:
            book.close()
    except (CalamineError, OSError, ValueError, IndexError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path.name} is not a readable spreadsheet ({str(exc)[:80]})") from None
    return _from_rows(path.name, rows, [])


def _read_parquet(path: Path) -> RawTable:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{path.name} is not a readable Parquet file ({str(exc)[:80]})") from None
    if table.num_columns == 0 or table.num_rows == 0:
        raise InputError(f"{path.name} is empty: expected columns and at least one record")
    columns = [[_text(v) for v in table.column(i).to_pylist()] for i in range(table.num_columns)]
    return RawTable(path.name, [str(n).strip() for n in table.column_names], columns, [])


def read_people_file(path: Path) -> RawTable:
    """Read ``path`` by its suffix (``.xlsx``, ``.parquet``, anything else as delimited text)."""
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path.name} is empty: expected a header row and at least one record")
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path)
    return _read_csv(path)
