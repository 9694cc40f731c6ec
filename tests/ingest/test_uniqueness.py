"""The duplicate-key check's hashing pass: the sort and the membership filter, and the sink's key hashes.

Every check here compares the hashing pass with something that cannot share its mistakes: a brute-force count
in Python, or DuckDB's exact GROUP BY over the real key values (the path small tables take).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from commonground.ingest.connectors import uniqueness, validate
from commonground.ingest.connectors.canonical import TableBuilder
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.sink import ParquetSink
from commonground.ingest.connectors.validate import validate_result

Row = dict[str, Any]


def test_repeated_values_and_their_rows_match_a_brute_force_count() -> None:
    rng = np.random.default_rng(3)
    top = rng.integers(0, 2**32, 200_000, dtype=np.uint64).astype(np.uint32)
    top[rng.integers(0, len(top), 500)] = top[rng.integers(0, len(top), 500)]  # true repeats
    # Values that share the upper bits the filter looks at with a repeated value, but are not equal to it:
    # the filter lets them through and the exact check must throw them out.
    repeated_value = top[0]
    top[1] = repeated_value
    neighbours = repeated_value ^ np.arange(1, 200, dtype=np.uint32)
    assert (neighbours >> uniqueness.FILTER_SHIFT == repeated_value >> uniqueness.FILTER_SHIFT).all()
    top[2 : 2 + len(neighbours)] = neighbours
    top[-1] = 0  # the smallest and the largest value, both repeated
    top[-2] = 0
    top[-3] = np.uint32(2**32 - 1)
    top[-4] = np.uint32(2**32 - 1)
    counts = Counter(top.tolist())
    want_values = sorted(v for v, n in counts.items() if n > 1)
    want_rows = [i for i, v in enumerate(top.tolist()) if counts[v] > 1]

    values = uniqueness._repeated(top)
    assert values.tolist() == want_values
    assert repeated_value in values  # so its neighbours pass the filter of upper bits
    rows = uniqueness._rows_with(top, values)
    assert rows.tolist() == want_rows


def test_no_repeated_values_means_no_rows() -> None:
    top = np.arange(0, 2**32 - 1, 2**20, dtype=np.uint32)
    values = uniqueness._repeated(top)
    assert values.size == 0
    assert uniqueness._rows_with(top, values).size == 0


DATES = [dt.date(2024, 9, d) for d in (3, 4, 5)]


def _batch(rows: list[Row]) -> Any:
    builder = TableBuilder("attendance_event")
    for row in rows:
        builder.append({"source_file": "days.csv", "date": DATES[0], "category": "excused", **row})
    return builder.finish()


def _duplicates(
    tmp_path: Path, batches: list[list[Row]], *, sink_hashes: bool | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[int, str]], list[bool]]:
    """The flagged rows (line, messages) of the batches; ``sink_hashes`` None: in memory, small-table path;
    True / False: staged, hashing pass from the sink's hashes / from the staged file. Also whether hashes came
    from the sink."""
    monkeypatch.setattr(uniqueness, "SMALL_TABLE_ROWS", 10**9 if sink_hashes is None else 0)
    given: list[bool] = []
    real = validate.duplicate_groups

    def spy(*args: Any, **kwargs: Any) -> Any:
        given.append(kwargs.get("hashes") is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(validate, "duplicate_groups", spy)
    sink = None
    if sink_hashes is not None:
        sink = ParquetSink(tmp_path / f"staging-{len(list(tmp_path.iterdir()))}", submission_id=1)
        if not sink_hashes:
            monkeypatch.setattr(sink.key_hashes, "get", lambda table: None)
    result = ParseResult(sink=sink)
    for rows in batches:
        result.emit("attendance_event", _batch(rows))
    validate_result(result)
    monkeypatch.undo()
    # Every row of a repeated key is flagged (the first with a note, the others with an error): the flags are
    # not capped as the listed issues are.
    return sorted(
        (line, " | ".join(messages)) for (_file, line), messages in result.row_errors.items()
    ), given


def _all_ways(
    tmp_path: Path, batches: list[list[Row]], monkeypatch: pytest.MonkeyPatch
) -> tuple[list[tuple[int, str]], list[bool]]:
    """The issues, the same by the exact path and both hashing passes; and whether the sink's hashes were used."""
    exact, _ = _duplicates(tmp_path, batches, sink_hashes=None, monkeypatch=monkeypatch)
    from_file, _ = _duplicates(tmp_path, batches, sink_hashes=False, monkeypatch=monkeypatch)
    from_sink, given = _duplicates(tmp_path, batches, sink_hashes=True, monkeypatch=monkeypatch)
    assert from_sink == from_file == exact
    return exact, given


def _key(row: Row) -> tuple[Any, ...]:
    return row["source_person_id"], row["school_id"], row["date"], row["category"]


def test_hashing_pass_agrees_with_the_exact_check_on_nulls_dates_and_many_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)
    rows = [
        {
            "source_org": "club",
            "source_line": line,
            "source_person_id": f"p{rng.randrange(12)}",
            "school_id": rng.choice(["100", "101", None]),  # a null key value groups with other nulls
            "date": rng.choice(DATES),  # rows on other dates are other keys
            "category": rng.choice(["excused", "tardy"]),
        }
        for line in range(2, 402)
    ]
    batches = [rows[i : i + 57] for i in range(0, len(rows), 57)]
    found, given = _all_ways(tmp_path, batches, monkeypatch)
    keys = Counter(_key(r) for r in rows)
    assert [line for line, _messages in found] == [r["source_line"] for r in rows if keys[_key(r)] > 1]
    assert len(found) > 100
    assert given == [True]  # the sink's hashes leave out the constant organization and are still used
    assert any("school_id=None" in messages for _line, messages in found)


def test_a_left_out_constant_that_changes_in_a_later_batch_never_lumps_rows_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first batch has one organization and one category, so the sink leaves them out of its hashes; a
    later batch with other values makes it drop its hashes, and the check hashes the staged file instead."""
    first = [
        {"source_org": "club", "source_line": 2, "source_person_id": "a"},
        {"source_org": "club", "source_line": 3, "source_person_id": "b"},
        {"source_org": "club", "source_line": 4, "source_person_id": "a"},  # the same key as line 2
    ]
    later = [
        {"source_org": "other", "source_line": 5, "source_person_id": "a"},  # another organization's key
        {"source_org": "club", "source_line": 6, "source_person_id": "b", "category": "tardy"},
        {"source_org": "club", "source_line": 7, "source_person_id": "b"},  # the same key as line 3
    ]
    found, given = _all_ways(tmp_path, [first, later], monkeypatch)
    key = "source_person_id={}, school_id=None, date=2024-09-03, category=excused"
    later_rows = "the same key is on later rows [duplicate-key]"
    assert [line for line, _messages in found] == [2, 3, 4, 7]  # not 5 (other organization), not 6 (tardy)
    assert all(key.format(p) in m for (_line, m), p in zip(found, "abab", strict=True))
    assert later_rows in found[0][1] and later_rows in found[1][1] and "on line 3 of days.csv" in found[3][1]
    assert given == [False]  # dropped: the check hashed the staged file

    sink = ParquetSink(tmp_path / "staging-direct", submission_id=1)
    result = ParseResult(sink=sink)
    result.emit("attendance_event", _batch(first))
    result.close_tables()
    assert sink.key_hashes.get("attendance_event") is not None  # one organization throughout: kept
    assert sink.key_hashes._hashed["attendance_event"] == ["source_person_id", "school_id", "date"]
