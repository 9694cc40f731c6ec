"""The mapping wizard's engine (no Django): read a sample's headers and first rows, preview a mapping.

The wizard keeps only the head of a partner's sample, rewritten as a small UTF-8 CSV, so every preview runs the
real tabular connector (value maps, date formats, type checks) in milliseconds whatever the sample's size.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml
from python_calamine import CalamineError, CalamineWorkbook

from commonground.ingest.connectors import canonical
from commonground.ingest.connectors.mapping import Mapping
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.tabular import XLSX_SUFFIXES, parse_tabular
from commonground.ingest.connectors.textio import csv_records

#: Rows shown in the wizard and kept in the sample.
SAMPLE_ROWS = 10


class SampleError(ValueError):
    """A sample the wizard cannot read; the message says why."""


@dataclass
class Sample:
    """The head of a partner's file: its headers and first rows (as text), and its sheets if a workbook."""

    headers: list[str]
    rows: list[list[str]]
    sheet_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PreviewCell:
    """One mapped value as the connector read it, or the error it found there."""

    text: str
    error: str = ""


@dataclass
class Preview:
    """The first rows after mapping: one column per mapped canonical field, errors per cell."""

    fields: list[str]
    headers: list[str]
    rows: list[tuple[int, list[PreviewCell]]]
    problems: list[str]
    #: The sample's columns the mapping does not use: they are not kept (data minimization).
    not_kept: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[tuple[str, str]]:
        """(canonical field, the partner's header) per column."""
        return list(zip(self.fields, self.headers, strict=True))

    @property
    def error_count(self) -> int:
        """Cells with an error plus problems not tied to a cell."""
        return sum(1 for _line, cells in self.rows for c in cells if c.error) + len(self.problems)


def _cell_text(value: object) -> str:
    # The same rendering as the tabular connector, so the preview reads workbooks as an upload will.
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


def _read_workbook(path: Path, sheet: str | None, limit: int) -> Sample:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError, zipfile.BadZipFile) as exc:
        raise SampleError(f"{path.name} is not a readable workbook ({str(exc)[:100]})") from exc
    try:
        names = list(book.sheet_names)
        if sheet and sheet not in names:
            raise SampleError(f"{path.name} has no sheet named {sheet!r}; its sheets: {', '.join(names)}")
        data = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
        records: list[list[str]] = []
        for row in data.iter_rows():
            records.append([_cell_text(v) for v in row])
            if len(records) > limit:
                break
    except CalamineError as exc:
        raise SampleError(f"{path.name} cannot be read ({str(exc)[:100]})") from exc
    finally:
        book.close()
    if not records:
        raise SampleError(f"{path.name}: the sheet is empty; expected a header row and data rows")
    return Sample(records[0], records[1:], names)


def read_sample(path: Path, *, sheet: str | None = None, limit: int = SAMPLE_ROWS) -> Sample:
    """The header and first ``limit`` rows of a CSV or XLSX file (encoding and delimiter detected)."""
    if path.suffix.lower() in XLSX_SUFFIXES:
        return _read_workbook(path, sheet, limit)
    result = ParseResult()
    records: list[list[str]] = []
    with path.open("rb") as raw:
        for _line, fields in csv_records(raw, path.name, result, delimiter=None):
            if records and not any(f.strip() for f in fields):
                continue
            records.append(fields)
            if len(records) > limit:
                break
    errors = [i for i in result.issues if i.severity == "error"]
    if errors and len(records) < 2:
        raise SampleError(errors[0].message)
    if not records:
        raise SampleError(f"{path.name}: the file is empty; expected a header line and data rows")
    notes = [i.message for i in result.issues if i.severity == "warning"]
    return Sample(records[0], records[1:], [], notes)


def write_sample(sample: Sample, target: Path) -> Path:
    """Write the sample as a UTF-8 CSV (what every preview then reads)."""
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(sample.headers)
        writer.writerows(sample.rows)
    return target


def preview(sample_csv: Path, mapping: Mapping, *, limit: int = SAMPLE_ROWS) -> Preview:
    """Run the tabular connector over the sample with ``mapping``; return the mapped rows and errors.

    ``mapping.sheet`` and ``mapping.delimiter`` are ignored: the sample is already a plain CSV.
    """
    plain = Mapping(
        mapping.table, mapping.columns, mapping.value_maps, mapping.date_formats, mapping.constants
    )
    result = parse_tabular(sample_csv, plain, "preview", validate=False)
    # The streaming connectors keep emitted batches pending until the tables are closed (validation would
    # close them; the preview skips validation). Older results have no pending batches.
    close_tables = getattr(result, "close_tables", None)
    if close_tables is not None:
        close_tables()
    fields = [f for f in canonical.data_field_names(mapping.table) if f in mapping.columns]
    headers = [mapping.columns[f] for f in fields]
    by_cell: dict[tuple[int, str], tuple[str, str]] = {}
    problems: list[str] = []
    for issue in result.issues:
        if issue.severity != "error":
            continue
        if issue.line is not None and issue.line > 1 and issue.column:
            by_cell.setdefault((issue.line, issue.column), (issue.value or "", f"expected {issue.expected}"))
        else:
            problems.append(issue.message)
    rows: list[tuple[int, list[PreviewCell]]] = []
    table = result.tables.get(mapping.table)
    if table is not None:
        for record in table.slice(0, limit).to_pylist():
            line = int(record["source_line"])
            cells = []
            for name, header in zip(fields, headers, strict=True):
                value = record.get(name)
                raw, error = by_cell.get((line, header), ("", ""))
                text = raw if error else ("" if value is None else str(value))
                cells.append(PreviewCell(text, error))
            rows.append((line, cells))
    used = set(mapping.columns.values())
    with sample_csv.open(encoding="utf-8", newline="") as fh:
        sample_headers = next(csv.reader(fh), [])
    not_kept = [h for h in sample_headers if h.strip() and h not in used]
    return Preview(fields, headers, rows, problems, not_kept)


def mapping_data(
    table: str,
    columns: dict[str, str],
    value_maps: dict[str, dict[str, str]],
    date_formats: dict[str, list[str]],
    sheet: str | None = None,
) -> dict[str, Any]:
    """The plain data of a mapping file (for ``mapping_from_dict`` and for YAML)."""
    data: dict[str, Any] = {"table": table, "columns": {k: v for k, v in columns.items() if v}}
    if value_maps:
        data["value_maps"] = value_maps
    if date_formats:
        data["date_formats"] = date_formats
    if sheet:
        data["sheet"] = sheet
    return data


def mapping_yaml(data: dict[str, Any]) -> str:
    """A mapping as readable YAML (keys in the order written)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


_LINE = re.compile(r"^\s*([a-z_]+)\s*:\s*(.*)$")


def parse_value_maps(text: str) -> dict[str, dict[str, str]]:
    """Value maps written one field per line: ``sex: M=male, F=female, Boy=male``.

    Raises ``ValueError`` naming the line that cannot be read.
    """
    out: dict[str, dict[str, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"line {number}: expected 'field: value=canonical, value=canonical'")
        pairs: dict[str, str] = {}
        for part in (p for p in match.group(2).split(",") if p.strip()):
            source, eq, target = part.partition("=")
            if not eq or not source.strip() or not target.strip():
                raise ValueError(f"line {number}: {part.strip()!r} should look like 'value=canonical'")
            pairs[source.strip()] = target.strip()
        if pairs:
            out[match.group(1)] = pairs
    return out


def format_value_maps(value_maps: dict[str, dict[str, str]]) -> str:
    """The inverse of :func:`parse_value_maps`."""
    return "\n".join(f"{k}: " + ", ".join(f"{a}={b}" for a, b in v.items()) for k, v in value_maps.items())


#: Date layouts partners' exports use, most common first; ISO (the default) needs no format.
DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%d/%m/%Y", "%m-%d-%Y", "%Y/%m/%d", "%d.%m.%Y", "%Y%m%d")


def guess_date_formats(values: list[str]) -> list[str]:
    """The first layout that reads every non-empty sample value (none when they are ISO dates or unreadable).

    Example:
        >>> guess_date_formats(["03/14/2012", "12/01/2011", ""])
        ['%m/%d/%Y']
    """
    texts = [v.strip() for v in values if v.strip()]
    if not texts or all(_parses(t, "%Y-%m-%d") for t in texts):
        return []
    for layout in DATE_FORMATS:
        if all(_parses(t, layout) for t in texts):
            return [layout]
    return []


def _parses(text: str, layout: str) -> bool:
    try:
        dt.datetime.strptime(text, layout)  # noqa: DTZ007 - a calendar date, no time of day
    except ValueError:
        return False
    return True


def date_fields(table: str) -> list[str]:
    """The canonical fields of ``table`` that hold dates (each may carry date formats)."""
    schema = canonical.schema(table)
    return [n for n in canonical.data_field_names(table) if schema.field(n).type == pa.date32()]
