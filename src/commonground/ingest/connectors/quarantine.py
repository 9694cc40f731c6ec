"""Holding back the rows with row-level errors, so the rest of a submission can be published.

An error is *row-level* when the place it names (file and line) is a row the hub built a canonical row from:
a bad date, an unknown reference, a duplicate key. Every other error is *structural* — it names a whole file,
a header, or a row that was never read into the canonical model (too few fields) — and rejects the
submission. Row-level errors are quarantined only when every one of them is known (no check stopped listing)
and each table's bad rows stay within its :class:`Limits`; otherwise the submission is rejected as before.

Quarantining splits each staged table in two, both written before anything is published: the good rows
(the staged file is rewritten through a :class:`~.sink.ParquetSink`, so it looks like any other batch) and
the quarantined rows with their reasons (``<staging>/.quarantine/<table>/part-0.parquet``, canonical columns
plus ``quarantine_reasons``), which the publisher moves next to the batch and which no current view reads.
"""

# ruff: noqa: S608 - table and column names in the SQL come from the canonical schema, never from input

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from .report import ParseResult
from .sink import ParquetSink, TableStats
from .validate_tables import connection, quote

QUARANTINE_STAGE = ".quarantine"
REASONS = "quarantine_reasons"
_REWRITE_STAGE = ".rewrite"


@dataclass(frozen=True)
class Limits:
    """How many rows of one table may be quarantined: at most ``max_rows`` and ``max_percent`` of its rows."""

    max_rows: int
    max_percent: float

    def allows(self, bad: int, rows: int) -> bool:
        """True when ``bad`` of ``rows`` rows are within both limits."""
        return bad <= self.max_rows and bad * 100 <= self.max_percent * rows

    def describe(self) -> str:
        """The limits in words."""
        return f"at most {self.max_rows} rows and {self.max_percent:g}% of a table's rows"


@dataclass
class Split:
    """The outcome: rows quarantined per table, or why the submission must be rejected instead."""

    quarantined: dict[str, int] = field(default_factory=dict)
    rejected: str = ""
    #: Quarantined rows of in-memory results (with ``quarantine_reasons``); staged results write files.
    held: dict[str, pa.Table] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Rows quarantined in all tables."""
        return sum(self.quarantined.values())


def _locations(result: ParseResult) -> pa.Table:
    merged: dict[tuple[str, int], list[str]] = {}
    for loc, messages in result.row_errors.items():
        merged.setdefault(result.row_aliases.get(loc, loc), []).extend(messages)
    return pa.table(
        {
            "file": pa.array([f for f, _line in merged], pa.string()),
            "line": pa.array([line for _f, line in merged], pa.int32()),
            "reasons": pa.array(list(merged.values()), pa.list_(pa.string())),
        }
    )


def _views(con: duckdb.DuckDBPyConnection, result: ParseResult) -> dict[str, pa.Table | Path]:
    sources = result.table_sources()
    for name, source in sources.items():
        if isinstance(source, Path):
            rel = con.read_parquet(str(source), file_row_number=True)
            rel = rel.project("* EXCLUDE (file_row_number), file_row_number AS _row")
        else:
            rel = con.from_arrow(source).project("*, row_number() OVER () AS _row")
        rel.create_view(f"q_{name}")
    return sources


_MATCH = "t.source_file = b.file AND t.source_line = b.line"


def split_quarantine(
    result: ParseResult, limits_for: Callable[[str], Limits], *, temp_directory: Path | None = None
) -> Split:
    """Decide whether the result's errors can be quarantined and, when they can, split the tables.

    ``limits_for(table)`` gives each table's limits. A result without errors is left alone. With a
    :class:`~.sink.ParquetSink`, the staged files are rewritten in place and the quarantined rows written
    under the sink's folder; in memory, ``result.tables`` loses the rows and :attr:`Split.held` gets them.
    """
    if result.ok:
        return Split()
    if result.errors_without_line:
        return Split(rejected=f"{result.errors_without_line} error(s) concern a whole file, not a row")
    if result.row_errors_incomplete:
        return Split(rejected=f"{result.row_errors_incomplete}; they cannot all be quarantined")
    with connection(temp_directory) as con:
        con.register("bad", _locations(result))
        sources = _views(con, result)
        matched: set[tuple[str, int]] = set()
        counts: dict[str, int] = {}
        for name in sources:
            found = con.sql(
                f"SELECT DISTINCT b.file, b.line FROM {quote('q_' + name)} t JOIN bad b ON {_MATCH}"
            ).fetchall()
            matched.update((f, int(line)) for f, line in found)
            counts[name] = con.sql(
                f"SELECT count(*) FROM {quote('q_' + name)} t SEMI JOIN bad b ON {_MATCH}"
            ).fetchall()[0][0]
        rejected = _why_not(con, result, matched, counts, limits_for)
        if rejected:
            return Split(rejected=rejected)
        split = Split(quarantined={n: c for n, c in counts.items() if c})
        for name in split.quarantined:
            _split_table(con, result, name, sources[name], split)
    return split


def _why_not(
    con: duckdb.DuckDBPyConnection,
    result: ParseResult,
    matched: set[tuple[str, int]],
    counts: dict[str, int],
    limits_for: Callable[[str], Limits],
) -> str:
    unmatched = sorted(
        (f, int(line))
        for f, line in con.sql("SELECT file, line FROM bad").fetchall()
        if (f, line) not in matched
    )
    if unmatched:
        file, line = unmatched[0]
        return (
            f"{len(unmatched)} error(s) are not on a row the hub keeps (first: {file}, line {line}: a header, "
            "a row that could not be read, or a row folded into another), so they cannot be quarantined"
        )
    for name, bad in sorted(counts.items()):
        rows = result.stats[name].rows if name in result.stats else 0
        limits = limits_for(name)
        if bad and not limits.allows(bad, rows):
            return (
                f"{name}: {bad} of {rows} rows have errors; the ingest policy quarantines {limits.describe()}"
            )
    return ""


def _split_table(
    con: duckdb.DuckDBPyConnection, result: ParseResult, name: str, source: pa.Table | Path, split: Split
) -> None:
    view = quote("q_" + name)
    held_sql = f"SELECT t.* EXCLUDE (_row), b.reasons AS {REASONS} FROM {view} t JOIN bad b ON {_MATCH} ORDER BY t._row"
    good_sql = f"SELECT t.* EXCLUDE (_row) FROM {view} t ANTI JOIN bad b ON {_MATCH} ORDER BY t._row"
    stats = TableStats(name)
    if not isinstance(source, Path):
        good = con.sql(good_sql).to_arrow_table().cast(result.tables[name].schema)
        stats.add(good)
        result.tables[name] = good
        split.held[name] = con.sql(held_sql).to_arrow_table()
        result.stats[name] = stats
        return
    staging = source.parent.parent
    held = staging / QUARANTINE_STAGE / name
    held.mkdir(parents=True, exist_ok=True)
    target = str(held / source.name).replace("'", "''")
    con.execute(f"COPY ({held_sql}) TO '{target}' (FORMAT parquet, COMPRESSION snappy)")
    rewrite = staging / _REWRITE_STAGE
    sink = ParquetSink(rewrite)
    try:
        reader = con.sql(good_sql).to_arrow_reader(65_536)
        for batch in reader:
            stats.add(batch)
            sink.write(name, batch)
        sink.close()
    finally:
        sink.abort()
    written = sink.path(name)
    if written is None:  # every row of the table was quarantined
        shutil.rmtree(source.parent)
        result.stats.pop(name, None)
    else:
        os.replace(written, source)
        result.stats[name] = stats
    shutil.rmtree(rewrite, ignore_errors=True)
