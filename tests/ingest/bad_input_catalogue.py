"""The catalogue of bad inputs: each kind builds a bad submission and names the exact issue it must produce.

The end-to-end test (``test_bad_inputs_e2e.py``) sends every kind through ``do_ingest`` after a good submission
and checks the outcome, the issue's code, file, line and column, and that the accepted data did not change.
The per-connector tests (``test_bad_inputs_<connector>.py``) check the same kinds of input at the parser.
The operator guide's table of codes is generated from :data:`MEANINGS` (``python -m
tests.ingest.bad_input_catalogue`` prints it) and a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from commonground.ingest.connectors.mapping import Mapping, load_mapping

from .bad_input_files import (
    GiB,
    edit,
    excerpt_text,
    zip_absolute,
    zip_bomb_ratio,
    zip_declares_too_much,
    zip_liar,
    zip_many,
    zip_symlink,
    zip_traversal,
    zip_truncated,
)
from .conftest import EDFI_EXCERPT, grand_bend_copy

PERSON_MAPPING_YAML = """
table: person
id_column: Student ID
columns: {first_name: First Name, last_name: Last Name, birth_date: DOB}
date_formats: {birth_date: ["%m/%d/%Y", "%Y-%m-%d"]}
constants: {source_org: afterschool}
"""
PERSON_MAPPING = load_mapping(PERSON_MAPPING_YAML)

#: A good partner roster for PERSON_MAPPING (the accepted submission every tabular kind must leave alone).
GOOD_ROSTER = (
    "Student ID,First Name,Last Name,DOB\n1,Ana,Diaz,03/04/2012\n2,Bo,Li,2011-12-01\n3,Cy,Ng,2013-06-30\n"
)

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<InterchangeStudent xmlns="http://ed-fi.org/5.2.0"><Student><StudentUniqueId>&lol3;</StudentUniqueId></Student>
</InterchangeStudent>
"""


#: One line per issue code in the catalogue: what it means to the partner who sent the file.
MEANINGS = {
    "ambiguous-header": "two columns of the header could both be the same field; nothing is guessed",
    "bad-date": "a date that does not exist (2023-02-30) or does not match the mapping's formats",
    "bad-encoding": "text that is not valid in the file's encoding (for example cp1252 bytes inside UTF-8)",
    "bad-manifest": "the OneRoster manifest.csv has a value the specification does not allow",
    "bad-spreadsheet": "an .xlsx file that is not a readable workbook",
    "bad-zip": "a damaged zip: truncated, or a member larger than its declared size",
    "binary-file": "a file that should be text but holds binary data",
    "bom": "a byte-order mark before the header",
    "date-outside-school-year": "an attendance event outside the school year it belongs to",
    "dtd-not-allowed": "an XML document type declaration (entity expansion, external DTD) is refused",
    "duplicate-key": "two rows with the same key and different content",
    "duplicate-row": "the same row twice; one is kept",
    "empty-file": "a file with no bytes at all",
    "extra-field": "a row with a non-empty field beyond the header",
    "formula-like-value": "a cell that starts like a spreadsheet formula; kept as text, never evaluated",
    "header-drift": "a header that differs from the specification but can only mean one field",
    "legacy-encoding": "a file in cp1252 rather than UTF-8; decoded as such",
    "line-too-long": "a line over the limit (1 MiB); the rest of the file is not read",
    "missing-column": "a required column is not in the header",
    "missing-file": "a file the manifest lists is not in the submission",
    "missing-status": "a delta file row without the status that says what to do with it",
    "too-few-fields": "a row with fewer fields than the header (a truncated file)",
    "truncated-xml": "an XML file that ends in the middle of a record",
    "unknown-reference": "a row that points at a person, school or class the submission does not have",
    "unterminated-quote": "a quoted field that is never closed",
    "wrong-delimiter": "a OneRoster file separated by something other than commas (partner CSV files are sniffed)",
    "xml-syntax": "XML that is not well formed (mismatched tags, binary garbage)",
    "zip-bomb": "a zip member that decompresses far beyond its size, or declares more than the limits",
    "zip-path-traversal": "a zip member whose name leaves the folder (../ or an absolute path)",
    "zip-symlink": "a zip member that is a symbolic link",
    "zip-too-many-members": "a zip with more members than allowed",
}

Builder = Callable[[Path], list[Path]]


@dataclass(frozen=True)
class BadInput:
    """One kind of bad input: how to build it and the issue that must name it."""

    kind: str
    fmt: Literal["oneroster", "edfi-xml", "tabular"]
    build: Builder
    code: str
    file: str
    line: int | None
    column: str | None
    #: "rejected", or "accepted" when the input is accepted with a warning (drift the hub can read safely)
    outcome: Literal["rejected", "accepted"] = "rejected"
    value: str | None = None
    slow: bool = False

    @property
    def severity(self) -> str:
        return "error" if self.outcome == "rejected" else "warning"

    @property
    def mapping(self) -> Mapping | None:
        return PERSON_MAPPING if self.fmt == "tabular" else None


# --- OneRoster builders ----------------------------------------------------------------------------------------


def _oneroster(change: Callable[[Path], None]) -> Builder:
    def build(tmp: Path) -> list[Path]:
        folder = grand_bend_copy(tmp)
        change(folder)
        return [folder]

    return build


def _edits(name: str, old: str, new: str) -> Builder:
    return _oneroster(lambda folder: edit(folder, name, old, new))


def _truncate_enrollments(folder: Path) -> None:
    path = folder / "enrollments.csv"
    path.write_bytes(path.read_bytes()[:-60])  # the export was cut off in the middle of its last row


def _semicolons(folder: Path) -> None:
    path = folder / "orgs.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")


def _append(name: str, line: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        with (folder / name).open("a", encoding="utf-8") as fh:
            fh.write(line)

    return change


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return change


def _header_drift(folder: Path) -> None:
    edit(folder, "users.csv", "orgSourcedIds", "orgSourcedId")


def _bom(folder: Path) -> None:
    orgs = folder / "orgs.csv"
    orgs.write_bytes(b"\xef\xbb\xbf" + orgs.read_bytes())


def _encoding_changes_midway(folder: Path) -> None:
    users = folder / "users.csv"
    filler = "".join(f"9{i:05d},,,true,255901001,teacher,T {i},,T,Name{i},,,,,,,,\n" for i in range(1200))
    users.write_bytes(
        users.read_bytes()
        + b"\n"
        + filler.encode()
        + "9999999,,,true,255901001,teacher,Ren\xe9e,,Ren\xe9e,X,,,,,,,,\n".encode("cp1252")
    )


def _delta_without_status(tmp: Path) -> list[Path]:
    folder = tmp / "delta"
    folder.mkdir()
    (folder / "manifest.csv").write_text("propertyName,value\nfile.users,delta\n", encoding="utf-8")
    (folder / "users.csv").write_text(
        "sourcedId,status,dateLastModified,role,givenName,familyName\ns1,,2024-01-01,student,Ana,Diaz\n",
        encoding="utf-8",
    )
    return [folder]


# --- Ed-Fi XML builders ----------------------------------------------------------------------------------------


def _xml(name: str, text: Callable[[], str | bytes], *, with_students: bool = False) -> Builder:
    def build(tmp: Path) -> list[Path]:
        path = tmp / name
        content = text()
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return [EDFI_EXCERPT / "Student.xml", path] if with_students else [path]

    return build


def _external_dtd() -> str:
    return (
        '<?xml version="1.0"?>\n<!-- header -->\n<!DOCTYPE InterchangeStudent SYSTEM '
        '"http://example.org/x.dtd">\n<InterchangeStudent/>\n'
    )


def _utf16_laughs() -> bytes:
    return BILLION_LAUGHS.replace('"1.0"', '"1.0" encoding="UTF-16"').encode("utf-16")


def _students_replace(old: str, new: str) -> Callable[[], str]:
    def text() -> str:
        content = excerpt_text("Student.xml")
        assert old in content
        return content.replace(old, new)

    return text


def _attendance_replace(old: str, new: str) -> Callable[[], str]:
    def text() -> str:
        content = excerpt_text("StudentSchoolAttendance.xml")
        assert old in content
        return content.replace(old, new, 1)

    return text


# --- partner CSV / XLSX builders -------------------------------------------------------------------------------


def _csv(text: str | bytes, name: str = "roster.csv") -> Builder:
    def build(tmp: Path) -> list[Path]:
        path = tmp / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return [path]

    return build


def _two_gib_line(tmp: Path) -> list[Path]:
    path = tmp / "roster.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("Student ID,First Name,Last Name,DOB\n1,Ana,Diaz,2012-01-01\n2,")
        fh.write("x" * (2 * 1024 * 1024))  # past the 1 MiB limit in real characters…
        fh.truncate(2 * GiB)  # …then a sparse hole: a 2 GiB line that takes no disk space
    return [path]


def _xlsx_formulas(tmp: Path) -> list[Path]:
    import xlsxwriter

    path = tmp / "roster.xlsx"
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
    sheet.write_string(2, 2, "Li")
    sheet.write_string(2, 3, "2011-05-06")
    book.close()
    return [path]


HEADER = "Student ID,First Name,Last Name,DOB\n"
#: The line the Ed-Fi excerpt's Student.xml ends on when cut after 3000 bytes.
TRUNCATED_XML_LINE = (EDFI_EXCERPT / "Student.xml").read_bytes()[:3000].count(b"\n") + 1

CATALOGUE: list[BadInput] = [
    # OneRoster CSV
    BadInput("truncated-file", "oneroster", _oneroster(_truncate_enrollments), "too-few-fields", "enrollments.csv", 25, "schoolSourcedId"),
    BadInput("wrong-delimiter", "oneroster", _oneroster(_semicolons), "wrong-delimiter", "orgs.csv", 1, None),
    BadInput("ambiguous-header", "oneroster", _edits("users.csv", "orgSourcedIds,role", "orgSourcedIds,orgSourcedId"), "ambiguous-header", "users.csv", 1, "orgSourcedId"),
    BadInput("header-drift", "oneroster", _oneroster(_header_drift), "header-drift", "users.csv", 1, "orgSourcedId", outcome="accepted"),
    BadInput("byte-order-mark", "oneroster", _oneroster(_bom), "bom", "orgs.csv", 1, None, outcome="accepted"),
    BadInput("missing-column", "oneroster", _edits("enrollments.csv", "userSourcedId", "personSourcedId"), "missing-column", "enrollments.csv", 1, "userSourcedId"),
    BadInput("duplicate-key", "oneroster", _oneroster(_append("orgs.csv", "255901001,,,Grand Bend Middle School,school,,255901,,,,,\n")), "duplicate-key", "orgs.csv", 4, "sourcedId"),
    BadInput("duplicate-row", "oneroster", _oneroster(_append("orgs.csv", "255901001,,,Grand Bend High School,school,,255901,,,,,\n")), "duplicate-row", "orgs.csv", 4, "sourcedId", outcome="accepted"),
    BadInput("impossible-date", "oneroster", _edits("demographics.csv", "1997-01-18", "2023-02-30"), "bad-date", "demographics.csv", 4, "birthDate", value="2023-02-30"),
    BadInput("unknown-reference", "oneroster", _edits("enrollments.csv", "255901001,604927,student", "255901001,999999,student"), "unknown-reference", "enrollments.csv", 7, "userSourcedId", value="999999"),
    BadInput("extra-field", "oneroster", _edits("users.csv", "(950) 336 6601,,09,", "(950) 336 6601,,09,,surprise"), "extra-field", "users.csv", 2, "field 19"),
    BadInput("empty-file", "oneroster", _oneroster(_write("users.csv", b"")), "empty-file", "users.csv", None, None),
    BadInput("binary-garbage", "oneroster", _oneroster(_write("users.csv", bytes(range(256)) * 40)), "binary-file", "users.csv", None, None),
    BadInput("unterminated-quote", "oneroster", _edits("orgs.csv", "255901001,,,Grand Bend High School", '255901001,,,"Grand Bend High School'), "unterminated-quote", "orgs.csv", 3, None),
    BadInput("manifest-names-a-missing-file", "oneroster", _oneroster(lambda f: (f / "classes.csv").unlink()), "missing-file", "classes.csv", None, None),
    BadInput("manifest-unknown-mode", "oneroster", _edits("manifest.csv", "file.orgs,bulk", "file.orgs,full"), "bad-manifest", "manifest.csv", 7, "value"),
    BadInput("delta-row-without-status", "oneroster", _delta_without_status, "missing-status", "users.csv", 2, "status"),
    BadInput("encoding-changes-midway", "oneroster", _oneroster(_encoding_changes_midway), "bad-encoding", "users.csv", 1212, None),
    # zips
    BadInput("zip-bomb-ratio", "oneroster", zip_bomb_ratio, "zip-bomb", "users.csv", None, None),
    BadInput("zip-bomb-declared-size", "oneroster", zip_declares_too_much, "zip-bomb", "users.csv", None, None),
    BadInput("zip-member-longer-than-declared", "oneroster", zip_liar, "bad-zip", "users.csv", None, None),
    BadInput("zip-path-traversal", "oneroster", zip_traversal, "zip-path-traversal", "../../etc/users.csv", None, None),
    BadInput("zip-absolute-path", "oneroster", zip_absolute, "zip-path-traversal", "/tmp/users.csv", None, None),  # noqa: S108
    BadInput("zip-symlink", "oneroster", zip_symlink, "zip-symlink", "users.csv", None, None),
    BadInput("zip-too-many-members", "oneroster", zip_many, "zip-too-many-members", "many.zip", None, None),
    BadInput("truncated-zip", "oneroster", zip_truncated, "bad-zip", "cut.zip", None, None),
    # Ed-Fi XML
    BadInput("xml-entity-expansion", "edfi-xml", _xml("lol.xml", lambda: BILLION_LAUGHS), "dtd-not-allowed", "lol.xml", 2, None),
    BadInput("xml-external-dtd", "edfi-xml", _xml("dtd.xml", _external_dtd), "dtd-not-allowed", "dtd.xml", 3, None),
    BadInput("xml-dtd-in-utf16", "edfi-xml", _xml("utf16.xml", _utf16_laughs), "dtd-not-allowed", "utf16.xml", 2, None),
    BadInput("truncated-xml", "edfi-xml", _xml("Student.xml", lambda: (EDFI_EXCERPT / "Student.xml").read_bytes()[:3000]), "truncated-xml", "Student.xml", TRUNCATED_XML_LINE, None),
    BadInput("malformed-xml", "edfi-xml", _xml("Student.xml", _students_replace("<FirstName>Lisa</FirstName>", "<FirstName>Lisa</Firstname>")), "xml-syntax", "Student.xml", 20, "character 21"),
    BadInput("empty-xml", "edfi-xml", _xml("empty.xml", lambda: b""), "empty-file", "empty.xml", None, None),
    BadInput("binary-xml", "edfi-xml", _xml("garbage.xml", lambda: bytes(range(256))), "xml-syntax", "garbage.xml", 1, "character 1"),
    BadInput("xml-impossible-birth-date", "edfi-xml", _xml("Student.xml", _students_replace("2008-09-13", "2008-02-30")), "bad-date", "Student.xml", 27, "Student/BirthData/BirthDate", value="2008-02-30"),
    BadInput("xml-unknown-student", "edfi-xml", _xml("StudentSchoolAttendance.xml", _attendance_replace("<StudentUniqueId>604822</StudentUniqueId>", "<StudentUniqueId>999999</StudentUniqueId>"), with_students=True), "unknown-reference", "StudentSchoolAttendance.xml", 3, "StudentReference/StudentIdentity/StudentUniqueId", value="999999"),
    BadInput("xml-duplicate-student", "edfi-xml", _xml("Student.xml", _students_replace("<StudentUniqueId>604822</StudentUniqueId>", "<StudentUniqueId>604821</StudentUniqueId>")), "duplicate-key", "Student.xml", 16, "Student/StudentUniqueId"),
    BadInput("attendance-outside-school-year", "edfi-xml", _xml("StudentSchoolAttendance.xml", _attendance_replace("2021-08-31", "2019-08-31"), with_students=True), "date-outside-school-year", "StudentSchoolAttendance.xml", 3, "date", outcome="accepted"),
    # partner CSV / XLSX
    BadInput("two-gib-line", "tabular", _two_gib_line, "line-too-long", "roster.csv", 3, None, slow=True),
    BadInput("cp1252-names", "tabular", _csv((HEADER + "1,José,Muñoz,03/04/2012\n2,Zoë,Brontë,2011-12-01\n").encode("cp1252")), "legacy-encoding", "roster.csv", None, None, outcome="accepted"),
    BadInput("tabular-truncated-row", "tabular", _csv(HEADER + "1,Ana,Diaz,2012-01-02\n2,Bo"), "too-few-fields", "roster.csv", 3, "Last Name"),
    BadInput("tabular-impossible-date", "tabular", _csv(HEADER + "1,Ana,Diaz,2023-02-30\n"), "bad-date", "roster.csv", 2, "DOB", value="2023-02-30"),
    BadInput("tabular-missing-column", "tabular", _csv("Student ID,First Name,Last,first name\n1,Ana,Diaz,Ana\n"), "missing-column", "roster.csv", 1, "Last Name"),
    BadInput("tabular-ambiguous-header", "tabular", _csv("Student ID,first  name,Last Name,DOB,FIRST_NAME\n1,Ana,Diaz,,Ana\n"), "ambiguous-header", "roster.csv", 1, "FIRST_NAME"),
    BadInput("tabular-duplicate-keys", "tabular", _csv(HEADER + "7,Ana,Diaz,\n8,Bo,Li,\n7,Ann,Diaz,\n"), "duplicate-key", "roster.csv", 4, "Student ID"),
    BadInput("tabular-extra-field", "tabular", _csv(HEADER + "1,Ana,Diaz,2012-01-01\n2,Bo,Li,2012-01-01,x\n"), "extra-field", "roster.csv", 3, "field 5"),
    BadInput("formula-injection-csv", "tabular", _csv(HEADER + '1,"=HYPERLINK(""http://x"")",Diaz,\n'), "formula-like-value", "roster.csv", 2, "First Name", outcome="accepted"),
    BadInput("formula-injection-xlsx", "tabular", _xlsx_formulas, "formula-like-value", "roster.xlsx", 2, "Last Name", outcome="accepted", value="=cmd|' /C calc'!A0"),
    BadInput("tabular-binary-garbage", "tabular", _csv(b"PK\x03\x04" + bytes(range(256)) * 10), "binary-file", "roster.csv", None, None),
    BadInput("broken-xlsx", "tabular", _csv(b"PK\x03\x04 this is not a workbook", "roster.xlsx"), "bad-spreadsheet", "roster.xlsx", None, None),
    BadInput("tabular-empty-file", "tabular", _csv(b""), "empty-file", "roster.csv", None, None),
]  # fmt: skip


def by_kind(kind: str) -> BadInput:
    """The catalogue entry named ``kind``."""
    return next(bad for bad in CATALOGUE if bad.kind == kind)


def codes() -> set[str]:
    """Every issue code the catalogue produces."""
    return {bad.code for bad in CATALOGUE}


def markdown_table() -> str:
    """The operator guide's table: each code, what it means, and its severity (an error or a warning)."""
    severities: dict[str, set[str]] = {}
    for bad in CATALOGUE:
        severities.setdefault(bad.code, set()).add(bad.severity)
    lines = ["| Code | Meaning | Severity |", "| --- | --- | --- |"]
    for code in sorted(severities):
        lines.append(f"| `{code}` | {MEANINGS[code]} | {' or '.join(sorted(severities[code]))} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
