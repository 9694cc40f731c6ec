"""Partner CSV/XLSX with YAML mappings; mapping validation; the mapping suggester."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from commonground.ingest.connectors.mapping import MappingError, load_mapping, suggest_mapping
from commonground.ingest.connectors.tabular import parse_tabular

from .conftest import find_issue

SERVICE_MAPPING = """
table: service_contact
id_column: Participant ID
columns: {date: Session Date, minutes: Minutes, service_type: Activity}
value_maps: {service_type: {HW: homework help, MENT: mentoring}}
date_formats: {date: ["%m/%d/%Y"]}
constants: {source_org: afterschool, staff_role: tutor}
"""


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", "\t"), ("utf-8", "|")]
)
def test_service_contacts_any_encoding_and_delimiter(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [
        ["Participant ID", "Session Date", "Minutes", "Activity", "Notes"],
        ["p1", "09/03/2024", "45", "HW", "Señora López"],
        ["p2", "09/04/2024", "60", "ment", ""],
    ]
    path = tmp_path / "contacts.csv"
    path.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding) + b"\r\n")
    result = parse_tabular(path, load_mapping(SERVICE_MAPPING))
    assert result.ok, [i.message for i in result.issues]
    got = result.tables["service_contact"].to_pylist()
    assert [
        (
            r["source_person_id"],
            r["date"],
            r["minutes"],
            r["service_type"],
            r["staff_role"],
            r["source_org"],
            r["source_line"],
        )
        for r in got
    ] == [
        ("p1", dt.date(2024, 9, 3), 45.0, "homework help", "tutor", "afterschool", 2),
        ("p2", dt.date(2024, 9, 4), 60.0, "mentoring", "tutor", "afterschool", 3),
    ]
    assert any("Notes" in n for n in result.notes)  # data minimization: unmapped columns are not kept


def test_xlsx_named_sheet_with_real_dates(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Notes").write_string(0, 0, "ignore me")
    sheet = book.add_worksheet("Roster")
    date_format = book.add_format({"num_format": "mm/dd/yyyy"})
    for col, header in enumerate(["ID", "Given Name", "Surname", "Birthday", "Gender", "Grade"]):
        sheet.write_string(0, col, header)
    sheet.write_number(1, 0, 1001)
    sheet.write_string(1, 1, "Ana")
    sheet.write_string(1, 2, "Díaz")
    sheet.write_datetime(1, 3, dt.datetime(2013, 4, 5), date_format)  # noqa: DTZ001 - Excel dates are naive
    sheet.write_string(1, 4, "Girl")
    sheet.write_number(1, 5, 5)
    book.close()
    suggestion = suggest_mapping(["ID", "Given Name", "Surname", "Birthday", "Gender", "Grade"], "person")
    mapping = load_mapping(
        f"table: person\nsheet: Roster\ncolumns: {suggestion['columns']}\n"
        "value_maps: {sex: {Girl: female, Boy: male}}\n"
    )
    result = parse_tabular(path, mapping, source_org="club", reference_year=2024)
    assert result.ok, [i.message for i in result.issues]
    person = result.tables["person"].to_pylist()[0]
    assert (
        person["source_person_id"],
        person["last_name"],
        person["birth_date"],
        person["sex"],
        person["grade_level"],
        person["source_org"],
    ) == ("1001", "Díaz", dt.date(2013, 4, 5), "female", "05", "club")


def test_suggest_mapping_common_spellings() -> None:
    got = suggest_mapping(
        ["Student #", "First_Name", "LAST NAME", "D.O.B.", "Zip Code", "Parent Phone", "Shoe size"], "person"
    )
    assert got["columns"] == {
        "first_name": "First_Name",
        "last_name": "LAST NAME",
        "birth_date": "D.O.B.",
        "postal_code": "Zip Code",
        "phone": "Parent Phone",
    }
    assert got["unmapped"] == ["Student #", "Shoe size"]
    assert suggest_mapping(["Student ID", "Date", "Code"], "attendance_event")["columns"] == {
        "source_person_id": "Student ID",
        "date": "Date",
        "category": "Code",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("table: pets\ncolumns: {}", "table must be one of"),
        ("table: person\ncolumns: {shoe_size: Shoes}", "'shoe_size' is not a field of person"),
        ("table: person\ncolumns: {}\nextra: 1", "unknown key"),
        ("table: person\ncolumns: {}\ndate_formats: {birth_date: [mdy]}", "strptime"),
        ("[unclosed", "not valid YAML"),
    ],
)
def test_bad_mapping_files(text: str, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        load_mapping(text)


def test_unmapped_value_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("Student ID,Gender\n1,F\n2,Unicorn\n", encoding="utf-8")
    result = parse_tabular(
        path, load_mapping("table: person\nid_column: Student ID\ncolumns: {sex: Gender}"), source_org="club"
    )
    issue = find_issue(result, "bad-value")
    assert (issue.file, issue.line, issue.column, issue.value) == ("roster.csv", 3, "Gender", "Unicorn")


def test_two_contacts_on_one_day_are_two_contacts(tmp_path: Path) -> None:
    """Service contacts have no natural key beyond the row: two calls on one day are both kept."""
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Participant ID,Session Date,Minutes,Activity\np1,09/03/2024,15,HW\np1,09/03/2024,20,HW\n",
        encoding="utf-8",
    )
    result = parse_tabular(path, load_mapping(SERVICE_MAPPING))
    assert result.ok, [i.message for i in result.issues]
    assert [r["minutes"] for r in result.tables["service_contact"].to_pylist()] == [15, 20]


def test_canonical_sex_values_are_accepted_as_written(tmp_path: Path) -> None:
    """A value map may name the canonical value itself (``not_selected``), as a steward would write it."""
    mapping = load_mapping(
        "table: person\nid_column: ID\ncolumns: {sex: Sex}\nvalue_maps: {sex: {U: not_selected, X: nonbinary}}\n"
    )
    path = tmp_path / "people.csv"
    path.write_text("ID,Sex\na,U\nb,X\nc,F\n", encoding="utf-8")
    result = parse_tabular(path, mapping)
    assert result.ok, [i.message for i in result.issues]
    assert [r["sex"] for r in result.tables["person"].to_pylist()] == ["not_selected", "nonbinary", "female"]
