"""The fast Ed-Fi XML reader gives exactly what the exact one gives: rows, lines, issues — on good and broken files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.ingest.connectors import edfi_xml
from commonground.ingest.connectors.edfi_fast import StartTags
from commonground.ingest.connectors.report import ParseResult

from .conftest import EDFI_EXCERPT

STUDENT = (EDFI_EXCERPT / "Student.xml").read_bytes()
ATTENDANCE = (EDFI_EXCERPT / "StudentSchoolAttendance.xml").read_bytes()


def _parse(paths: list[Path], monkeypatch: pytest.MonkeyPatch, *, fast: bool) -> ParseResult:
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(edfi_xml, "_fast_ok", lambda *_args: False)
        else:
            real = edfi_xml._fast_ok
            m.setattr(
                edfi_xml, "_fast_ok", lambda *a: real(*a) or pytest.fail("the fast reader was not used")
            )
        return edfi_xml.parse_edfi_xml(paths, "district", reference_year=2022)


def _same(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> ParseResult:
    """Parse with both readers and assert every observable outcome is the same; return the fast result."""
    fast = _parse(paths, monkeypatch, fast=True)
    exact = _parse(paths, monkeypatch, fast=False)
    assert fast.rows() == exact.rows()
    for name, table in exact.tables.items():
        assert fast.tables[name].equals(table), name
    assert [i.as_dict() for i in fast.issues] == [i.as_dict() for i in exact.issues]
    assert (fast.notes, fast.rows_read) == (exact.notes, exact.rows_read)
    return fast


def _write(tmp_path: Path, name: str, data: bytes) -> list[Path]:
    path = tmp_path / name
    path.write_bytes(data)
    return [path]


def test_the_excerpt_reads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _same([EDFI_EXCERPT / "Student.xml", EDFI_EXCERPT / "StudentSchoolAttendance.xml"], monkeypatch)
    assert result.rows() == {"attendance_event": 72, "person": 25}
    lines = result.tables["person"].column("source_line").to_pylist()
    assert lines[:2] == [3, 16]


@pytest.mark.parametrize("cut", [*range(150, len(STUDENT), 577), STUDENT.index(b"</Student>") + 10])
def test_a_file_cut_anywhere_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cut: int
) -> None:
    for end in (cut, cut + 1):  # just after a record's end tag, and after the line break that follows it
        result = _same(_write(tmp_path, "Student.xml", STUDENT[:end]), monkeypatch)
        assert result.count("error") >= 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"<FirstName>Lisa</FirstName>", b"<FirstName>Lisa</Firstname>"),  # a syntax error mid-file
        (b"2008-09-13", b"2008-02-30"),  # a bad value: the error names the child element's own line
        (b"<StudentUniqueId>604822</StudentUniqueId>", b""),  # a missing required value
        (b"\n", b"\r\n"),  # Windows line ends
        (b"\n", b"\r"),  # old Mac line ends (expat counts a lone CR as a line break)
        (b"<Name>", b"<!-- a <Name> in a comment -->\n<?pi <x?>\n<Name>"),  # markup that is not an element
        (b"<FirstName>Lisa</FirstName>", b"<FirstName><![CDATA[Li<s>a]]></FirstName><Nick a='>'/>"),
        (b"<InterchangeStudent xmlns=", b"<edfi:InterchangeStudent xmlns:edfi="),  # a prefix, not a default
        (b"</Student>\n\t<Student>", b"</Student><Unknown/><Student>"),  # records on one line, one unknown
    ],
)
def test_edited_files_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes
) -> None:
    data = STUDENT.replace(old, new)
    if old.startswith(b"<InterchangeStudent"):
        data = data.replace(b"</InterchangeStudent>", b"</edfi:InterchangeStudent>")
        data = data.replace(b"<Student>", b"<edfi:Student>").replace(b"</Student>", b"</edfi:Student>")
    _same(_write(tmp_path, "Student.xml", data), monkeypatch)


def test_big_file_in_many_chunks_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunk boundaries fall inside tags, comments and line breaks; every event still gets its line."""
    body = ATTENDANCE.split(b"\n", 2)[2].rsplit(b"</", 1)[0]
    records = body.replace(
        b"</StudentSchoolAttendanceEvent>", b"</StudentSchoolAttendanceEvent><!-- <x> -->", 3
    )
    data = ATTENDANCE.split(b"\n", 2)[0] + b"\n" + ATTENDANCE.split(b"\n", 2)[1] + b"\n"
    data += records * 40 + b"</InterchangeStudentAttendance>\n"
    monkeypatch.setattr(edfi_xml, "CHUNK_BYTES", 4093)
    result = _same(_write(tmp_path, "StudentSchoolAttendance.xml", data), monkeypatch)
    assert result.rows_read["StudentSchoolAttendance.xml"] == 72 * 40


def _lines(data: bytes, pieces: int) -> list[int]:
    tags = StartTags()
    size = max(1, len(data) // pieces)
    for i in range(0, len(data), size):
        tags.feed(data[i : i + size])
    tags.feed(b"", final=True)
    out: list[int] = []
    while True:
        try:
            out.append(tags.line(len(out)))
        except IndexError:
            return out


@pytest.mark.parametrize("pieces", [1, 7, 500])
def test_start_tags_are_found_on_their_lines(pieces: int) -> None:
    data = b"<?xml version='1.0'?>\n<a>\n<b x='>'/><!-- <c>\n --><d><![CDATA[\n<e>]]></d>\r\n<f/>\r<g/></a>"
    expected: list[Any] = [2, 3, 4, 6, 7]  # a, b, d, f (after CR LF), g (after a lone CR)
    assert _lines(data, pieces) == expected
