"""A catalogue of bad inputs: each asserts the exact code, file, line and column of the issue."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.sources import ZipLimits
from commonground.ingest.connectors.tabular import parse_tabular

from .conftest import EDFI_EXCERPT, GRAND_BEND, find_issue

PERSON_MAPPING = load_mapping("""
table: person
id_column: Student ID
columns: {first_name: First Name, last_name: Last Name, birth_date: DOB}
date_formats: {birth_date: ["%m/%d/%Y", "%Y-%m-%d"]}
constants: {source_org: afterschool}
""")


def where(result: ParseResult, code: str) -> tuple[str, str, int | None, str | None]:
    issue = find_issue(result, code)
    return issue.severity, issue.file, issue.line, issue.column


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- OneRoster CSV ---------------------------------------------------------------------------------------------


def test_truncated_csv_row(grand_bend: Path) -> None:
    path = grand_bend / "enrollments.csv"
    path.write_bytes(path.read_bytes()[:-60])  # the export was cut off in the middle of its last row
    result = parse_oneroster(grand_bend, source_org="gb")
    # 4 of 10 fields survive; the first missing one is named
    assert where(result, "too-few-fields") == ("error", "enrollments.csv", 25, "schoolSourcedId")


def test_wrong_delimiter(grand_bend: Path) -> None:
    path = grand_bend / "orgs.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "wrong-delimiter") == ("error", "orgs.csv", 1, None)


def test_ambiguous_header_is_rejected(grand_bend: Path) -> None:
    _edit(grand_bend, "users.csv", "orgSourcedIds,role", "orgSourcedIds,orgSourcedId")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "ambiguous-header") == ("error", "users.csv", 1, "orgSourcedId")


def test_missing_required_column(grand_bend: Path) -> None:
    _edit(grand_bend, "enrollments.csv", "userSourcedId", "personSourcedId")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "missing-column") == ("error", "enrollments.csv", 1, "userSourcedId")
    assert where(result, "unknown-column") == ("warning", "enrollments.csv", 1, "personSourcedId")


def test_duplicate_sourced_id_with_different_content(grand_bend: Path) -> None:
    with (grand_bend / "orgs.csv").open("a", encoding="utf-8") as fh:
        fh.write("255901001,,,Grand Bend Middle School,school,,255901,,,,,\n")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "duplicate-key") == ("error", "orgs.csv", 4, "sourcedId")
    assert "line 3" in find_issue(result, "duplicate-key").expected


def test_identical_duplicate_row_is_a_warning(grand_bend: Path) -> None:
    with (grand_bend / "orgs.csv").open("a", encoding="utf-8") as fh:
        fh.write("255901001,,,Grand Bend High School,school,,255901,,,,,\n")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "duplicate-row") == ("warning", "orgs.csv", 4, "sourcedId")
    assert result.ok


def test_impossible_date(grand_bend: Path) -> None:
    _edit(grand_bend, "demographics.csv", "1997-01-18", "2023-02-30")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "bad-date") == ("error", "demographics.csv", 4, "birthDate")
    assert find_issue(result, "bad-date").value == "2023-02-30"


def test_unknown_reference(grand_bend: Path) -> None:
    _edit(grand_bend, "enrollments.csv", "255901001,604927,student", "255901001,999999,student")
    result = parse_oneroster(grand_bend, source_org="gb")
    issue = find_issue(result, "unknown-reference")
    assert (issue.severity, issue.file, issue.line, issue.column, issue.value) == (
        "error",
        "enrollments.csv",
        7,
        "userSourcedId",
        "999999",
    )


def test_non_empty_extra_field(grand_bend: Path) -> None:
    _edit(grand_bend, "users.csv", "(950) 336 6601,,09,", "(950) 336 6601,,09,,surprise")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "extra-field") == ("error", "users.csv", 2, "field 19")


def test_empty_file(grand_bend: Path) -> None:
    (grand_bend / "users.csv").write_bytes(b"")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "empty-file") == ("error", "users.csv", None, None)


def test_binary_garbage(grand_bend: Path) -> None:
    (grand_bend / "users.csv").write_bytes(bytes(range(256)) * 40)
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "binary-file") == ("error", "users.csv", None, None)


def test_unterminated_quote(grand_bend: Path) -> None:
    _edit(grand_bend, "orgs.csv", "255901001,,,Grand Bend High School", '255901001,,,"Grand Bend High School')
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "unterminated-quote") == ("error", "orgs.csv", 3, None)


def test_manifest_names_a_missing_file(grand_bend: Path) -> None:
    (grand_bend / "classes.csv").unlink()
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "missing-file") == ("error", "classes.csv", None, None)


def test_manifest_with_an_unknown_mode(grand_bend: Path) -> None:
    _edit(grand_bend, "manifest.csv", "file.orgs,bulk", "file.orgs,full")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "bad-manifest") == ("error", "manifest.csv", 7, "value")


def test_delta_row_without_status(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text("propertyName,value\nfile.users,delta\n", encoding="utf-8")
    (tmp_path / "users.csv").write_text(
        "sourcedId,status,dateLastModified,role,givenName,familyName\ns1,,2024-01-01,student,Ana,Diaz\n",
        encoding="utf-8",
    )
    result = parse_oneroster(tmp_path, source_org="d")
    assert where(result, "missing-status") == ("error", "users.csv", 2, "status")


def test_text_that_changes_encoding_midway(grand_bend: Path) -> None:
    users = grand_bend / "users.csv"
    filler = "".join(f"9{i:05d},,,true,255901001,teacher,T {i},,T,Name{i},,,,,,,,\n" for i in range(1200))
    users.write_bytes(
        users.read_bytes()
        + b"\n"
        + filler.encode()
        + "9999999,,,true,255901001,teacher,Ren\xe9e,,Ren\xe9e,X,,,,,,,,\n".encode("cp1252")
    )
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "bad-encoding") == ("error", "users.csv", 1212, None)


# --- zips ------------------------------------------------------------------------------------------------------


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"users.csv": b"\0" * (20 * 1024 * 1024)})
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "zip-bomb") == ("error", "users.csv", None, None)
    assert "compresses" in find_issue(result, "zip-bomb").expected


def test_zip_bomb_by_total_declared_size(tmp_path: Path) -> None:
    members = {f.name: f.read_bytes() for f in GRAND_BEND.glob("*.csv")}
    archive = _zip(tmp_path / "big.zip", members)
    result = parse_oneroster(archive, source_org="gb", zip_limits=ZipLimits(max_total_bytes=2000))
    assert find_issue(result, "zip-bomb").expected.startswith("members declare more than 2000 bytes")


def test_zip_member_that_decompresses_past_its_declared_size(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "liar.zip", {"users.csv": b"sourcedId\n" + b"1\n" * 50_000})
    data = bytearray(archive.read_bytes())
    # Shrink the declared uncompressed size in the central directory (and local header) to 100 bytes.
    real = (b"sourcedId\n" + b"1\n" * 50_000).__len__().to_bytes(4, "little")
    assert data.count(real) == 2
    archive.write_bytes(bytes(data).replace(real, (100).to_bytes(4, "little")))
    result = parse_oneroster(archive, source_org="gb")
    assert find_issue(result, "bad-zip").file == "users.csv"


def test_zip_path_traversal(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "evil.zip", {"../../etc/users.csv": b"x"})
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "zip-path-traversal") == ("error", "../../etc/users.csv", None, None)


def test_zip_absolute_path(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "abs.zip", {"/tmp/users.csv": b"x"})  # noqa: S108 - the name is the attack
    result = parse_oneroster(archive, source_org="gb")
    assert find_issue(result, "zip-path-traversal").expected == "member name has an absolute path"


def test_zip_symlink(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("users.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "zip-symlink") == ("error", "users.csv", None, None)


def test_zip_with_too_many_members(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "many.zip", {f"f{i}.csv": b"a\n" for i in range(30)})
    result = parse_oneroster(archive, source_org="gb", zip_limits=ZipLimits(max_members=20))
    assert where(result, "zip-too-many-members")[0:2] == ("error", "many.zip")


def test_truncated_zip(tmp_path: Path) -> None:
    members = {f.name: f.read_bytes() for f in GRAND_BEND.glob("*.csv")}
    archive = _zip(tmp_path / "cut.zip", members)
    archive.write_bytes(archive.read_bytes()[:-200])
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "bad-zip") == ("error", "cut.zip", None, None)


# --- Ed-Fi XML -------------------------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<InterchangeStudent xmlns="http://ed-fi.org/5.2.0"><Student><StudentUniqueId>&lol3;</StudentUniqueId></Student>
</InterchangeStudent>
"""


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


# --- partner CSV / XLSX ----------------------------------------------------------------------------------------


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


def test_catalogue_has_at_least_25_kinds() -> None:
    codes = {
        "too-few-fields",
        "wrong-delimiter",
        "ambiguous-header",
        "missing-column",
        "duplicate-key",
        "duplicate-row",
        "bad-date",
        "unknown-reference",
        "extra-field",
        "empty-file",
        "binary-file",
        "unterminated-quote",
        "missing-file",
        "bad-manifest",
        "missing-status",
        "bad-encoding",
        "zip-bomb",
        "bad-zip",
        "zip-path-traversal",
        "zip-symlink",
        "zip-too-many-members",
        "dtd-not-allowed",
        "truncated-xml",
        "xml-syntax",
        "date-outside-school-year",
        "line-too-long",
        "legacy-encoding",
        "formula-like-value",
        "bad-spreadsheet",
    }
    assert len(codes) >= 25
    assert io  # keep the import list honest for readers running single tests
