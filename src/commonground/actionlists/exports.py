"""CSV and XLSX exports of an action list.  The rows were read through the gate with route ``export``, so the
export's records of disclosure are written before a byte leaves; cells that a spreadsheet would run as a formula
are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import xlsxwriter

from commonground.actionlists.students import COLUMNS, StudentRow

HEADER = ["Hub ID", "Student", "School", "Grade", *(label for _, label in COLUMNS)]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix a cell that starts like a formula with ``'`` so spreadsheets show it as text (OWASP CSV injection)."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def _rows(rows: Iterable[StudentRow]) -> list[list[str]]:
    return [
        [
            neutralise(str(v))
            for v in (
                r.hub_id,
                r.name or "restricted",
                r.school or "",
                r.grade or "",
                *(r.cells[key].text for key, _ in COLUMNS),
            )
        ]
        for r in rows
    ]


def to_csv(rows: Iterable[StudentRow]) -> bytes:
    """UTF-8 CSV with a byte-order mark (Excel opens it as UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_rows(rows))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[StudentRow]) -> bytes:
    """One worksheet; every cell written as a string, never as a formula."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet("Action list")
    bold = book.add_format({"bold": True})
    for col, title in enumerate(HEADER):
        sheet.write_string(0, col, title, bold)
    for line, values in enumerate(_rows(rows), start=1):
        for col, value in enumerate(values):
            sheet.write_string(line, col, value)
    sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
