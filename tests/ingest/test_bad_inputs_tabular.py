"""Bad partner CSV and XLSX files at the parser (long lines, encodings, headers, keys, formulas, garbage).

The same kinds go end to end through ``do_ingest`` in ``test_bad_inputs_e2e.py`` (see ``bad_input_catalogue.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from commonground.ingest.connectors.tabular import parse_tabular

from .bad_input_catalogue import PERSON_MAPPING
from .bad_input_files import where
from .conftest import find_issue


def test_very_long_line_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Student ID,First Name,Last Name,DOB\n1,Ana,Diaz,2012-01-01\n2,")
        fh.write("x" * (3 * 1024 * 1024))
        fh.write(",Lee,2012-01-01\n")
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "line-too-long") == ("error", "roster.csv", 3, None)


def test_cp1252_names_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(
        "Student ID,First Name,Last Name,DOB\n1,José,Muñoz,03/04/2012\n2,Zoë,Brontë,2011-12-01\n".encode(
            "cp1252"
        )
    )
    result = parse_tabular(path, PERSON_MAPPING, reference_year=2024)
    assert where(result, "legacy-encoding") == ("warning", "roster.csv", None, None)
    assert result.tables["person"].column("last_name").to_pylist() == ["Muñoz", "Brontë"]
    assert result.ok


def test_tabular_bad_date(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("Student ID,First Name,Last Name,DOB\n1,Ana,Diaz,2023-02-30\n", encoding="utf-8")
    result = parse_tabular(path, PERSON_MAPPING)
    issue = find_issue(result, "bad-date")
    assert (issue.file, issue.line, issue.column, issue.value) == ("roster.csv", 2, "DOB", "2023-02-30")
    assert issue.expected == "a date as %m/%d/%Y or %Y-%m-%d"


def test_tabular_missing_column_and_ambiguous_header(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("Student ID,First Name,Last,first name\n1,Ana,Diaz,Ana\n", encoding="utf-8")
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "missing-column") == ("error", "roster.csv", 1, "Last Name")
    path.write_text("Student ID,first  name,Last Name,DOB,FIRST_NAME\n1,Ana,Diaz,,Ana\n", encoding="utf-8")
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "ambiguous-header") == ("error", "roster.csv", 1, "FIRST_NAME")


def test_tabular_duplicate_keys(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "Student ID,First Name,Last Name,DOB\n7,Ana,Diaz,\n8,Bo,Li,\n7,Ann,Diaz,\n", encoding="utf-8"
    )
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "duplicate-key") == ("error", "roster.csv", 4, "Student ID")


def test_formula_injection_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        'Student ID,First Name,Last Name,DOB\n1,"=HYPERLINK(""http://x"")",Diaz,\n', encoding="utf-8"
    )
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "formula-like-value") == ("warning", "roster.csv", 2, "First Name")
    assert result.tables["person"].column("first_name").to_pylist() == ['=HYPERLINK("http://x")']


def test_formula_injection_in_xlsx_cells(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Roster")
    for col, header in enumerate(["Student ID", "First Name", "Last Name", "DOB"]):
        sheet.write_string(0, col, header)
    sheet.write_number(1, 0, 1)
    sheet.write_string(1, 1, "Ana")
    sheet.write_string(1, 2, "=cmd|' /C calc'!A0")
    sheet.write_string(1, 3, "2012-05-06")
    sheet.write_number(2, 0, 2)
    sheet.write_string(2, 1, "@SUM(1+1)")
    sheet.write_string(2, 2, "-5")
    book.close()
    result = parse_tabular(path, PERSON_MAPPING, reference_year=2024)
    formula = [(i.line, i.column, i.value) for i in result.warnings if i.code == "formula-like-value"]
    assert formula == [(2, "Last Name", "=cmd|' /C calc'!A0"), (3, "First Name", "@SUM(1+1)")]
    people = result.tables["person"].to_pylist()
    assert [p["last_name"] for p in people] == ["=cmd|' /C calc'!A0", "-5"]
    assert [p["source_person_id"] for p in people] == ["1", "2"]


def test_binary_garbage_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10)
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "binary-file") == ("error", "roster.csv", None, None)


def test_broken_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    result = parse_tabular(path, PERSON_MAPPING)
    assert where(result, "bad-spreadsheet") == ("error", "roster.xlsx", None, None)
