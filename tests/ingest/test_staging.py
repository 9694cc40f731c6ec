"""Staging a streamed submission: the Parquet sink, the staging folder's lock, and the two-pass duplicate check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commonground.ingest import dataplane
from commonground.ingest.connectors import uniqueness, validate
from commonground.ingest.connectors.canonical import TableBuilder, schema
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.sink import ParquetSink
from commonground.ingest.connectors.validate import validate_result


def _events(rows: list[tuple[str, str, int, str | None]]) -> pa.Table:
    builder = TableBuilder("attendance_event")
    for person, category, line, status in rows:
        builder.append(
            {
                "source_org": "club",
                "source_file": "days.csv",
                "source_line": line,
                "record_status": status,
                "source_person_id": person,
                "school_id": "100",
                "date": dt.date(2024, 9, 3),
                "category": category,
            }
        )
    return builder.finish()


ROWS = [
    ("a", "excused", 2, None),
    ("b", "excused", 3, None),
    ("a", "excused", 4, None),  # the same key as line 2
    ("c", "tardy", 5, "tobedeleted"),
    ("c", "tardy", 6, "tobedeleted"),  # tombstones are not checked
    ("a", "excused", 7, None),  # and again
]


@pytest.mark.parametrize("staged", [False, True])
@pytest.mark.parametrize("small", [200_000, 0])
def test_duplicates_are_found_in_memory_and_staged_by_both_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staged: bool, small: int
) -> None:
    monkeypatch.setattr(uniqueness, "SMALL_TABLE_ROWS", small)  # 0: always the hashing pass
    sink = ParquetSink(tmp_path / "staging", submission_id=9) if staged else None
    result = ParseResult(sink=sink)
    result.emit("attendance_event", _events(ROWS))
    validate_result(result)
    dups = [(i.line, i.value, i.expected) for i in result.issues if i.code == "duplicate-key"]
    expected = "one attendance_event row per key; the same key is on line 2 of days.csv"
    key = "source_person_id=a, school_id=100, date=2024-09-03, category=excused"
    assert dups == [(4, key, expected), (7, key, expected)]


def test_the_sink_writes_canonical_parquet_with_the_submission(tmp_path: Path) -> None:
    sink = ParquetSink(tmp_path / "staging", submission_id=42)
    result = ParseResult(sink=sink)
    result.emit("attendance_event", _events(ROWS[:2]))
    result.emit("attendance_event", _events(ROWS[2:]))
    result.close_tables()
    path = sink.path("attendance_event")
    assert path == tmp_path / "staging" / "attendance_event" / dataplane.PART
    table = pq.read_table(path)
    assert table.schema == schema("attendance_event")  # plain text, canonical types: what every reader sees
    assert table.column("submission_id").to_pylist() == ["42"] * len(ROWS)
    assert table.column("source_line").to_pylist() == [r[2] for r in ROWS]
    assert result.rows() == {"attendance_event": len(ROWS)} and sink.path("person") is None


def test_a_writer_error_reaches_the_parser(tmp_path: Path) -> None:
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "attendance_event").write_text("a file where the folder should be")
    sink = ParquetSink(tmp_path / "staging")
    sink.write("attendance_event", _events(ROWS).to_batches()[0])
    with pytest.raises(FileExistsError):
        sink.close()


@pytest.mark.django_db
def test_recover_leaves_a_live_staging_folder_alone() -> None:
    dead = dataplane.data_dir() / ".staging" / "dead"
    (dead / "person").mkdir(parents=True)
    with dataplane.staging_area() as live:
        (live / "person").mkdir()
        removed = dataplane.recover()
        assert live.is_dir() and not dead.exists()
        assert removed == [dead]
    assert not live.exists()  # the ingest's own exit removes what it did not publish


def test_key_hashes_from_the_sink_find_the_same_duplicates_as_reading_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without tombstones the staged check starts from the hashes the sink computed while writing (two batches)."""
    monkeypatch.setattr(uniqueness, "SMALL_TABLE_ROWS", 0)
    live_rows = [r for r in ROWS if r[3] is None]
    given: list[bool] = []
    real = validate.duplicate_groups

    def spy(*args: Any, **kwargs: Any) -> Any:
        given.append(kwargs.get("hashes") is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(validate, "duplicate_groups", spy)
    found = []
    for use_sink_hashes in (True, False):
        sink = ParquetSink(tmp_path / f"staging-{use_sink_hashes}", submission_id=9)
        if not use_sink_hashes:
            monkeypatch.setattr(sink.key_hashes, "get", lambda table: None)
        result = ParseResult(sink=sink)
        result.emit("attendance_event", _events(live_rows[:2]))
        result.emit("attendance_event", _events(live_rows[2:]))
        validate_result(result)
        if use_sink_hashes:
            hashes = sink.key_hashes.get("attendance_event")
            assert hashes is not None and len(hashes) == len(live_rows)
            assert sink.key_hashes.get("person") is None
        found.append([(i.line, i.value) for i in result.issues if i.code == "duplicate-key"])
    key = "source_person_id=a, school_id=100, date=2024-09-03, category=excused"
    assert found[0] == found[1] == [(4, key), (7, key)]
    assert given == [True, False]
