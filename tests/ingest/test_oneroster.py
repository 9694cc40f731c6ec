"""OneRoster CSV: the real Grand Bend sample, zips, delta files, 1.2 roles, header drift."""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

from commonground.ingest.connectors.oneroster import parse_oneroster

from .conftest import GRAND_BEND, find_issue


def _rows(name: str) -> list[dict[str, str]]:
    with (GRAND_BEND / name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_grand_bend_counts_match_the_files() -> None:
    users = _rows("users.csv")
    students = {u["sourcedId"] for u in users if u["role"] == "student"}
    teachers = [u for u in users if u["role"] == "teacher"]
    orgs = _rows("orgs.csv")
    enrollments = _rows("enrollments.csv")
    student_spells = {
        (e["userSourcedId"], e["schoolSourcedId"]) for e in enrollments if e["role"] == "student"
    }
    assert (len(students), len(teachers), len(orgs), len(enrollments)) == (8, 2, 2, 24)

    result = parse_oneroster(GRAND_BEND, source_org="grand-bend")

    assert result.ok, [i.message for i in result.errors]
    assert result.rows() == {
        "organization": len(orgs),
        "school": 1,
        "person": len(students),
        "enrollment": len(student_spells),
    }
    assert result.rows_read["users.csv"] == len(users)
    assert result.rows_read["enrollments.csv"] == len(enrollments)
    assert set(result.tables["person"].column("source_person_id").to_pylist()) == students
    assert any("2 non-student users" in n for n in result.notes)


def test_grand_bend_person_and_enrollment_values() -> None:
    result = parse_oneroster(GRAND_BEND, source_org="grand-bend")
    mary = next(p for p in result.tables["person"].to_pylist() if p["source_person_id"] == "604863")
    assert (mary["first_name"], mary["last_name"], mary["birth_date"], mary["sex"]) == (
        "Mary",
        "Archer",
        dt.date(1997, 5, 30),
        "female",
    )
    assert (mary["local_id"], mary["ids_raw"], mary["grade_level"], mary["school_id"]) == (
        "863",
        "{Local:863}",
        "09",
        "255901001",
    )
    assert (mary["source_file"], mary["source_line"]) == ("users.csv", 2)
    spell = next(e for e in result.tables["enrollment"].to_pylist() if e["source_person_id"] == "604863")
    assert (spell["school_id"], spell["school_year"], spell["entry_date"], spell["exit_date"]) == (
        "255901001",
        2021,
        dt.date(2020, 8, 17),
        dt.date(2021, 5, 28),
    )
    assert spell["session_id"] == "255901001_2021_2020-2021_SchoolYear"
    school = result.tables["school"].to_pylist()[0]
    assert (school["name"], school["district"]) == ("Grand Bend High School", "Grand Bend ISD")


def test_grand_bend_drift_is_reported_as_warnings() -> None:
    result = parse_oneroster(GRAND_BEND, source_org="grand-bend")
    trailing = [i for i in result.warnings if i.code == "trailing-field"]
    assert [(i.file, i.line, i.column) for i in trailing] == [
        ("users.csv", 10, "field 19"),
        ("users.csv", 11, "field 19"),
    ]
    wrapped = find_issue(result, "wrapped-id")
    assert (wrapped.file, wrapped.line, wrapped.column, wrapped.value) == (
        "users.csv",
        2,
        "userIds",
        "{Local:863}",
    )
    no_newline = {i.file: i.line for i in result.warnings if i.code == "missing-final-newline"}
    assert no_newline == {"users.csv": 11, "demographics.csv": 9, "courses.csv": 3, "enrollments.csv": 25}
    empty_status = {i.file for i in result.warnings if i.code == "empty-status"}
    assert empty_status == {
        "users.csv",
        "demographics.csv",
        "courses.csv",
        "enrollments.csv",
        "orgs.csv",
        "classes.csv",
        "academicSessions.csv",
    }
    # The sample's students were born in 1997 but enrolled in 9th grade in 2020-21: plausible-date warnings.
    birth = find_issue(result, "implausible-birth-date")
    assert (birth.file, birth.line, birth.column, birth.value) == (
        "demographics.csv",
        2,
        "birthDate",
        "1997-05-30",
    )
    assert result.codes("error") == set()


def test_zip_of_the_sample_parses_the_same(tmp_path: Path) -> None:
    archive = tmp_path / "grand-bend.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(GRAND_BEND.glob("*.csv")):
            zf.write(f, f"export/{f.name}")
    from_zip = parse_oneroster(archive, source_org="grand-bend")
    from_folder = parse_oneroster(GRAND_BEND, source_org="grand-bend")
    assert from_zip.ok
    assert from_zip.rows() == from_folder.rows()
    assert (
        from_zip.tables["person"]
        .drop(["source_file"])
        .equals(from_folder.tables["person"].drop(["source_file"]))
    )


def test_header_drift_is_accepted_with_a_warning(grand_bend: Path) -> None:
    users = grand_bend / "users.csv"
    text = users.read_text(encoding="utf-8")
    users.write_text(
        text.replace("orgSourcedIds", "orgSourcedId", 1).replace("givenName", " GivenName ", 1),
        encoding="utf-8",
    )
    result = parse_oneroster(grand_bend, source_org="gb")
    assert result.ok
    drift = {i.column: i.expected for i in result.warnings if i.code == "header-drift"}
    assert set(drift) == {"orgSourcedId", " GivenName "}
    assert result.tables["person"].column("school_id").to_pylist() == ["255901001"] * 8
    assert result.tables["person"].column("first_name").to_pylist()[0] == "Mary"


def test_bom_is_accepted_with_a_warning(grand_bend: Path) -> None:
    orgs = grand_bend / "orgs.csv"
    orgs.write_bytes(b"\xef\xbb\xbf" + orgs.read_bytes())
    result = parse_oneroster(grand_bend, source_org="gb")
    assert result.ok
    bom = find_issue(result, "bom")
    assert (bom.file, bom.line) == ("orgs.csv", 1)
    assert result.rows()["school"] == 1


def test_delta_files_keep_status_and_tombstones(tmp_path: Path) -> None:
    folder = tmp_path / "delta"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1\noneroster.version,1.1\nfile.users,delta\nfile.orgs,absent\n",
        encoding="utf-8",
    )
    (folder / "users.csv").write_text(
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName\n"
        "s1,active,2024-09-03T10:00:00Z,true,sch1,student,a,,Ana,Diaz\n"
        "s2,tobedeleted,2024-09-04T10:00:00Z,,,,,,,\n",
        encoding="utf-8",
    )
    result = parse_oneroster(folder, source_org="d")
    assert result.ok, [i.message for i in result.issues]
    rows = result.tables["person"].to_pylist()
    assert [(r["source_person_id"], r["record_status"]) for r in rows] == [
        ("s1", "active"),
        ("s2", "tobedeleted"),
    ]
    assert rows[0]["date_last_modified"] == dt.datetime(2024, 9, 3, 10, tzinfo=dt.UTC)


def test_oneroster_12_roles_file_identifies_students(tmp_path: Path) -> None:
    folder = tmp_path / "v12"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\noneroster.version,1.2\nfile.users,bulk\nfile.roles,bulk\nfile.orgs,bulk\n",
        encoding="utf-8",
    )
    (folder / "orgs.csv").write_text(
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
        "sch1,active,,North Elementary,school,,\n",
        encoding="utf-8",
    )
    (folder / "users.csv").write_text(
        "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
        "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,"
        "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\n"
        "u1,active,,true,ana,,Ana,Diaz,,,,,,,KG,,,,Annie,,,sch1,\n"
        "t1,active,,true,tea,,Tom,Lee,,,,,,,,,,,,,,sch1,\n",
        encoding="utf-8",
    )
    (folder / "roles.csv").write_text(
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId\n"
        "r1,active,,u1,primary,student,,,sch1\nr2,active,,t1,primary,teacher,,,sch1\n",
        encoding="utf-8",
    )
    result = parse_oneroster(folder, source_org="d")
    assert result.ok, [i.message for i in result.issues]
    person = result.tables["person"].to_pylist()
    assert [
        (p["source_person_id"], p["preferred_first_name"], p["grade_level"], p["school_id"]) for p in person
    ] == [("u1", "Annie", "KG", "sch1")]
