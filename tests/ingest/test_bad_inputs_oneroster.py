"""Bad OneRoster CSV exports at the parser: each asserts the exact code, file, line and column of the issue.

The same kinds go end to end through ``do_ingest`` in ``test_bad_inputs_e2e.py`` (see ``bad_input_catalogue.py``).
"""

from __future__ import annotations

from pathlib import Path

from commonground.ingest.connectors.oneroster import parse_oneroster

from .bad_input_files import edit, where
from .conftest import find_issue


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
    edit(grand_bend, "users.csv", "orgSourcedIds,role", "orgSourcedIds,orgSourcedId")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "ambiguous-header") == ("error", "users.csv", 1, "orgSourcedId")


def test_missing_required_column(grand_bend: Path) -> None:
    edit(grand_bend, "enrollments.csv", "userSourcedId", "personSourcedId")
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
    edit(grand_bend, "demographics.csv", "1997-01-18", "2023-02-30")
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "bad-date") == ("error", "demographics.csv", 4, "birthDate")
    assert find_issue(result, "bad-date").value == "2023-02-30"


def test_unknown_reference(grand_bend: Path) -> None:
    edit(grand_bend, "enrollments.csv", "255901001,604927,student", "255901001,999999,student")
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
    edit(grand_bend, "users.csv", "(950) 336 6601,,09,", "(950) 336 6601,,09,,surprise")
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
    edit(grand_bend, "orgs.csv", "255901001,,,Grand Bend High School", '255901001,,,"Grand Bend High School')
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "unterminated-quote") == ("error", "orgs.csv", 3, None)


def test_manifest_names_a_missing_file(grand_bend: Path) -> None:
    (grand_bend / "classes.csv").unlink()
    result = parse_oneroster(grand_bend, source_org="gb")
    assert where(result, "missing-file") == ("error", "classes.csv", None, None)


def test_manifest_with_an_unknown_mode(grand_bend: Path) -> None:
    edit(grand_bend, "manifest.csv", "file.orgs,bulk", "file.orgs,full")
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
