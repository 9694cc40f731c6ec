"""Partner CSV read in pyarrow blocks gives exactly what the exact record-by-record reader gives.

Every case is parsed twice — normally (blocks, tiny ones so that block edges fall everywhere) and with the block
reader switched off — and the tables, issues (lines, columns, values), notes and counts must be equal.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commonground.ingest.connectors import csvblocks
from commonground.ingest.connectors.mapping import Mapping, load_mapping
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.tabular import parse_tabular

PEOPLE = load_mapping(
    """
table: person
id_column: ID
columns: {first_name: First, last_name: Last, birth_date: Born, sex: Sex}
date_formats: {birth_date: ["%m/%d/%Y", "%Y-%m-%d"]}
value_maps: {sex: {G: female, B: male}}
constants: {source_org: club}
"""
)
EVENTS = load_mapping(
    """
table: attendance_event
id_column: ID
columns: {date: Day, category: Code}
date_formats: {date: ["%m/%d/%Y"]}
value_maps: {category: {P: in_attendance, A: unexcused}}
"""
)


def _parse(
    path: Path, mapping: Mapping, monkeypatch: pytest.MonkeyPatch, *, blocks: bool, size: int
) -> ParseResult:
    with monkeypatch.context() as m:
        m.setattr(csvblocks, "BLOCK_BYTES", size)
        if not blocks:
            m.setattr(csvblocks, "_simple_header", lambda *_args: None)  # the whole file record by record
        return parse_tabular(path, mapping, reference_year=2024)


def same(path: Path, mapping: Mapping, monkeypatch: pytest.MonkeyPatch, size: int = 64) -> ParseResult:
    """Both readers agree on everything observable; the block reader's result."""
    fast = _parse(path, mapping, monkeypatch, blocks=True, size=size)
    exact = _parse(path, mapping, monkeypatch, blocks=False, size=size)
    assert [i.message for i in fast.issues] == [i.message for i in exact.issues]
    assert (fast.rows(), fast.rows_read, fast.notes) == (exact.rows(), exact.rows_read, exact.notes)
    for name, table in exact.tables.items():
        assert fast.tables[name].to_pylist() == table.to_pylist(), name
    return fast


PEOPLE_ROWS = [
    b"ID,First,Last,Born,Sex",
    b"1,Ana,Diaz,03/04/2012,G",
    b"2, Bo ,Li,2011-12-01,b",
    b"3,\xc2\xa0Zo\xc3\xab\xe2\x80\x83,Bront\xc3\xab,2010-01-01,",
    b"4,=cmd|calc,-5,13/40/2012,X",
    b"",
    b"  ",
    b",,,,",
    b"5,Cy,Ng,,G,,",
    b"6,Di,Ox,,G,,extra",
    b"7,Ed",
    b"8,\x1cFi\x1c,Gu,02/02/2012,B",
    b"9,@SUM(1),+1,01/01/2012,G",
]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("lf", b"\n".join(PEOPLE_ROWS) + b"\n"),
        ("crlf", b"\r\n".join(PEOPLE_ROWS) + b"\r\n"),
        ("no final newline", b"\n".join(PEOPLE_ROWS)),
        ("bom", b"\xef\xbb\xbf" + b"\n".join(PEOPLE_ROWS) + b"\n"),
        ("cp1252", "\n".join(r.decode() for r in PEOPLE_ROWS if b"\xe2" not in r).encode("cp1252") + b"\n"),
        ("semicolons", b"\n".join(r.replace(b",", b";") for r in PEOPLE_ROWS) + b"\n"),
        ("a quote midway", b"\n".join([*PEOPLE_ROWS[:4], b'10,"Quo\nted",X,,G', *PEOPLE_ROWS[4:]]) + b"\n"),
        ("a bare CR midway", b"\n".join([*PEOPLE_ROWS[:5], b"11,Old\rMac,X,,G", *PEOPLE_ROWS[5:]]) + b"\n"),
        ("a NUL midway", b"\n".join([*PEOPLE_ROWS[:5], b"12,Nu\x00l,X,,G", *PEOPLE_ROWS[5:]]) + b"\n"),
        ("bad UTF-8 midway", b"\n".join([*PEOPLE_ROWS[:7], b"13,Ren\xe9e,X,,G", *PEOPLE_ROWS[7:]]) + b"\n"),
        ("header only", PEOPLE_ROWS[0] + b"\n"),
        ("header and blank lines", PEOPLE_ROWS[0] + b"\n\n\n"),
        ("empty", b""),
    ],
)
@pytest.mark.parametrize("size", [40, 64, 4096])
def test_tricky_files_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes, size: int
) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    mapping = PEOPLE if name != "semicolons" else Mapping(**{**PEOPLE.__dict__, "delimiter": None})
    same(path, mapping, monkeypatch, size)


def test_plain_blocks_really_are_read_by_pyarrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "days.csv"
    path.write_bytes(
        b"ID,Day,Code\n"
        + b"".join(b"s%d,09/%02d/2024,%s\n" % (i, i % 28 + 1, b"PA"[i % 2 : i % 2 + 1]) for i in range(3000))
    )
    blocks = []
    real = csvblocks._Reader.arrow

    def spy(self: csvblocks._Reader, block: bytes, first_line: int) -> csvblocks.ArrowBlock | None:
        out = real(self, block, first_line)
        blocks.append(out)
        return out

    monkeypatch.setattr(csvblocks._Reader, "arrow", spy)
    result = same(path, EVENTS, monkeypatch, size=4096)
    assert len(blocks) > 5 and all(b is not None for b in blocks)
    assert result.rows() == {"attendance_event": 3000}


CELLS = st.one_of(
    st.text(alphabet=["a", "1", "/", " ", "\t", "=", "-", '"', "\r", "é", "\u00a0", "P", "A"], max_size=6),
    st.sampled_from(["09/01/2024", "9/31/2024", "P", "a", ""]),
)
ROWS = st.lists(st.lists(CELLS, min_size=0, max_size=4), min_size=0, max_size=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, size=st.sampled_from([16, 33, 100]), end=st.sampled_from([b"\n", b"\r\n", b""]))
def test_random_files_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], size: int, end: bytes
) -> None:
    body = (end or b"\n").join(",".join(r).encode() for r in rows)
    path = tmp_path / "days.csv"
    path.write_bytes(b"ID,Day,Code\n" + body + end)
    same(path, EVENTS, monkeypatch, size)
