"""OneRoster streaming: users.csv and enrollments.csv are read row by row (memory grows with the roll-up, not with
the rows' values), and duplicates, drift and error positions come out as before."""

from __future__ import annotations

import shutil
import sys
import tracemalloc
from pathlib import Path

import pytest

from commonground.ingest.connectors import oneroster_files
from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.sink import ParquetSink

from .conftest import GRAND_BEND, find_issue


def write_oneroster_export(folder: Path, students: int) -> None:
    """The ingest benchmark's generated OneRoster export (the benchmarks import one another as top-level modules,
    as ``make bench`` runs them, so their folder goes on the path)."""
    bench = str(Path(__file__).resolve().parents[2] / "bench")
    if bench not in sys.path:
        sys.path.insert(0, bench)
    from bench_ingest import write_oneroster_export as write

    write(folder, students)


def _peak_bytes(folder: Path, staging: Path) -> tuple[int, ParseResult]:
    sink = ParquetSink(staging, 1)
    tracemalloc.start()
    try:
        result = parse_oneroster(folder, "district", result=ParseResult(sink=sink))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, result


@pytest.mark.slow
def test_memory_grows_with_the_roll_up_not_with_the_rows(tmp_path: Path) -> None:
    """Four times the students: the extra memory per student is what the roll-up keeps, far below a row."""
    small, big = 3_000, 12_000
    write_oneroster_export(tmp_path / "small", small)
    write_oneroster_export(tmp_path / "big", big)
    peak_small, result_small = _peak_bytes(tmp_path / "small", tmp_path / "stage-small")
    peak_big, result_big = _peak_bytes(tmp_path / "big", tmp_path / "stage-big")

    assert result_big.ok and result_big.rows() == {
        "organization": 11,
        "school": 10,
        "person": big,
        "enrollment": big,  # two classes at one school: one spell each
    }
    assert result_small.rows()["person"] == small
    per_student = (peak_big - peak_small) / (big - small)
    # Holding the rows (a Row with its values dict and strings per users.csv line, and per enrollment line)
    # costs about 5 kB per student; the stream keeps about 0.9 kB: the student's id, line and hash, its
    # demographics (a join) and its enrollment spell (the roll-up). The margin absorbs dict resizes.
    assert per_student < 1_500, f"{per_student:.0f} bytes per student"


def test_rows_are_read_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The users and enrollments files are never turned into a list of rows."""
    write_oneroster_export(tmp_path / "export", 300)
    whole: list[str] = []
    real = oneroster_files.read_file

    def spy(raw, spec, file, result):  # type: ignore[no-untyped-def]
        whole.append(file)
        return real(raw, spec, file, result)

    monkeypatch.setattr("commonground.ingest.connectors.oneroster.read_file", spy)
    result = parse_oneroster(tmp_path / "export", "district")

    assert result.ok and result.rows()["person"] == 300 and result.rows()["enrollment"] == 300
    assert sorted(whole) == ["academicSessions.csv", "classes.csv", "courses.csv", "orgs.csv"]
    assert result.rows_read["users.csv"] == 300 + 12 and result.rows_read["enrollments.csv"] == 600


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "gb"
    shutil.copytree(GRAND_BEND, target)
    return target


def _lines(path: Path) -> list[str]:
    """The file's lines, each ending in a line break (the sample's last lines have none)."""
    return [
        line if line.endswith("\n") else line + "\n"
        for line in path.read_text(encoding="utf-8").splitlines(True)
    ]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_duplicate_users_are_found_while_streaming(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    users = folder / "users.csv"
    lines = _lines(users)
    users.write_text("".join([*lines, lines[1], lines[2].replace("Kyle", "Kylie")]), encoding="utf-8")

    result = parse_oneroster(folder, "gb")

    same = find_issue(result, "duplicate-row")
    assert (same.severity, same.file, same.line, same.column) == (
        "warning",
        "users.csv",
        len(lines) + 1,
        "sourcedId",
    )
    assert "identical to line 2" in same.expected
    other = find_issue(result, "duplicate-key")
    assert (other.severity, other.line, other.value) == ("error", len(lines) + 2, "604874")
    assert "line 3 has the same sourcedId with different values" in other.expected
    assert result.rows()["person"] == 8


def test_duplicate_enrollments_are_found_after_the_file(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    enrollments = folder / "enrollments.csv"
    lines = _lines(enrollments)
    changed = lines[3].replace("2020-12-18", "2020-12-19")
    enrollments.write_text("".join([*lines, lines[1], changed]), encoding="utf-8")

    result = parse_oneroster(folder, "gb")

    assert find_issue(result, "duplicate-row").line == len(lines) + 1
    conflict = find_issue(result, "duplicate-key")
    assert (conflict.file, conflict.line, conflict.column) == ("enrollments.csv", len(lines) + 2, "sourcedId")
    assert "line 4 has the same sourcedId" in conflict.expected


def test_drift_and_error_positions_survive_streaming(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "users.csv", "orgSourcedIds", "orgSourcedId")  # an `s` missing: accepted drift
    _edit(folder / "enrollments.csv", "2020-08-17,2020-12-18", "2020-08-17,2020-13-18")
    users = _lines(folder / "users.csv")
    users[3] = users[3].rstrip("\n") + ",extra\n"  # a non-empty field beyond the header's
    (folder / "users.csv").write_text("".join(users), encoding="utf-8")

    result = parse_oneroster(folder, "gb")

    drift = find_issue(result, "header-drift")
    assert (drift.file, drift.line, drift.column) == ("users.csv", 1, "orgSourcedId")
    bad = find_issue(result, "bad-date")
    assert (bad.file, bad.line, bad.column, bad.value) == ("enrollments.csv", 2, "endDate", "2020-13-18")
    extra = find_issue(result, "extra-field")
    assert (extra.file, extra.line) == ("users.csv", 4)
    assert result.rows()["person"] == 7  # the unreadable row is not a person
