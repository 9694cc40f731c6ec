"""Bad Ed-Fi XML at the parser (entity expansion, DTDs, truncation, syntax, dates, references, duplicates).

The same kinds go end to end through ``do_ingest`` in ``test_bad_inputs_e2e.py`` (see ``bad_input_catalogue.py``).
"""

from __future__ import annotations

from pathlib import Path

from commonground.ingest.connectors.edfi_xml import parse_edfi_xml

from .bad_input_catalogue import BILLION_LAUGHS
from .bad_input_files import where
from .conftest import EDFI_EXCERPT, find_issue


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lol.xml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = parse_edfi_xml(path, source_org="x")
    assert where(result, "dtd-not-allowed") == ("error", "lol.xml", 2, None)
    assert "person" not in result.tables or result.tables["person"].num_rows == 0


def test_xml_with_an_external_dtd_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dtd.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- header -->\n<!DOCTYPE InterchangeStudent SYSTEM '
        '"http://example.org/x.dtd">\n<InterchangeStudent/>\n',
        encoding="utf-8",
    )
    result = parse_edfi_xml(path, source_org="x")
    assert where(result, "dtd-not-allowed") == ("error", "dtd.xml", 3, None)


def test_xml_dtd_hidden_from_the_byte_scan_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.xml"
    path.write_bytes(BILLION_LAUGHS.replace('"1.0"', '"1.0" encoding="UTF-16"').encode("utf-16"))
    result = parse_edfi_xml(path, source_org="x")
    assert find_issue(result, "dtd-not-allowed").severity == "error"


def test_truncated_xml(tmp_path: Path) -> None:
    path = tmp_path / "Student.xml"
    data = (EDFI_EXCERPT / "Student.xml").read_bytes()[:3000]
    path.write_bytes(data)
    result = parse_edfi_xml(path, source_org="x")
    issue = find_issue(result, "truncated-xml")
    assert (issue.severity, issue.file, issue.line) == ("error", "Student.xml", data.count(b"\n") + 1)
    assert result.tables["person"].num_rows == 7  # the complete records before the cut were read


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    text = (EDFI_EXCERPT / "Student.xml").read_text(encoding="utf-8")
    path = tmp_path / "Student.xml"
    path.write_text(
        text.replace("<FirstName>Lisa</FirstName>", "<FirstName>Lisa</Firstname>"), encoding="utf-8"
    )
    result = parse_edfi_xml(path, source_org="x")
    assert where(result, "xml-syntax")[:3] == ("error", "Student.xml", 20)


def test_empty_and_binary_xml(tmp_path: Path) -> None:
    (tmp_path / "empty.xml").write_bytes(b"")
    (tmp_path / "garbage.xml").write_bytes(bytes(range(256)))
    result = parse_edfi_xml([tmp_path / "empty.xml", tmp_path / "garbage.xml"], source_org="x")
    assert where(result, "empty-file") == ("error", "empty.xml", None, None)
    assert where(result, "xml-syntax")[:3] == ("error", "garbage.xml", 1)


def test_xml_impossible_birth_date(tmp_path: Path) -> None:
    text = (EDFI_EXCERPT / "Student.xml").read_text(encoding="utf-8")
    path = tmp_path / "Student.xml"
    path.write_text(text.replace("2008-09-13", "2008-02-30"), encoding="utf-8")
    result = parse_edfi_xml(path, source_org="x")
    assert where(result, "bad-date") == ("error", "Student.xml", 27, "Student/BirthData/BirthDate")


def test_xml_attendance_for_an_unknown_student(tmp_path: Path) -> None:
    text = (EDFI_EXCERPT / "StudentSchoolAttendance.xml").read_text(encoding="utf-8")
    path = tmp_path / "StudentSchoolAttendance.xml"
    path.write_text(
        text.replace(
            "<StudentUniqueId>604822</StudentUniqueId>", "<StudentUniqueId>999999</StudentUniqueId>", 1
        ),
        encoding="utf-8",
    )
    result = parse_edfi_xml([EDFI_EXCERPT / "Student.xml", path], source_org="x")
    issue = find_issue(result, "unknown-reference")
    assert (issue.severity, issue.file, issue.line, issue.column, issue.value) == (
        "error",
        "StudentSchoolAttendance.xml",
        3,
        "StudentReference/StudentIdentity/StudentUniqueId",
        "999999",
    )


def test_xml_duplicate_student(tmp_path: Path) -> None:
    text = (EDFI_EXCERPT / "Student.xml").read_text(encoding="utf-8")
    path = tmp_path / "Student.xml"
    path.write_text(
        text.replace(
            "<StudentUniqueId>604822</StudentUniqueId>", "<StudentUniqueId>604821</StudentUniqueId>"
        ),
        encoding="utf-8",
    )
    result = parse_edfi_xml(path, source_org="x")
    assert where(result, "duplicate-key") == ("error", "Student.xml", 16, "Student/StudentUniqueId")


def test_attendance_outside_its_school_year(tmp_path: Path) -> None:
    text = (EDFI_EXCERPT / "StudentSchoolAttendance.xml").read_text(encoding="utf-8")
    path = tmp_path / "StudentSchoolAttendance.xml"
    path.write_text(text.replace("2021-08-31", "2019-08-31", 1), encoding="utf-8")
    result = parse_edfi_xml(path, source_org="x")
    assert where(result, "date-outside-school-year") == ("warning", "StudentSchoolAttendance.xml", 3, "date")
