"""The tables of a parse result as DuckDB views, for the checks of :mod:`.validate` and :mod:`.validate_dates`."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from .report import ParseResult

MAX_REPORTED = 1000
#: Rows that are not tombstones (OneRoster delta ``tobedeleted``).
LIVE = "coalesce(record_status <> 'tobedeleted', true)"
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
#: DuckDB spills to disk past this, so validating a huge staged table keeps the process's memory bounded.
MEMORY_LIMIT = "768MB"


def quote(name: str) -> str:
    """A SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


class Tables:
    """The result's tables as DuckDB views ``t_<name>`` with a ``_row`` column (the position in the table)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, result: ParseResult) -> None:
        self.con = con
        self.result = result
        self.names: list[str] = []
        self._keep: list[Any] = []  # Arrow tables DuckDB scans must outlive the views
        self.sources = result.table_sources()
        for name, source in self.sources.items():
            if isinstance(source, Path):
                rel = con.read_parquet(str(source), file_row_number=True)
                rel = rel.project("* EXCLUDE (file_row_number), file_row_number AS _row")
            else:
                rows = pa.array(np.arange(source.num_rows, dtype=np.int64))
                table = source.append_column("_row", rows)
                self._keep.append(table)
                rel = con.from_arrow(table)
            rel.create_view(f"t_{name}")
            self.names.append(name)

    @staticmethod
    def view(name: str) -> str:
        """The view of one table."""
        return quote(f"t_{name}")

    def rows(self, name: str) -> int:
        """How many rows the table has."""
        return self.result.stats[name].rows if name in self.result.stats else 0

    def nulls(self, name: str, column: str) -> int:
        """How many nulls a column has (from the running statistics)."""
        stats = self.result.stats.get(name)
        return stats.nulls.get(column, 0) if stats is not None else 0

    def constant(self, name: str, column: str) -> bool:
        """True when a column is known to hold one value in every row (from the running statistics)."""
        stats = self.result.stats.get(name)
        return stats is not None and stats.constant(column)

    def query(
        self, sql: str, params: list[Any] | None = None, *, errors: bool = True
    ) -> list[dict[str, Any]]:
        """Run a query; rows as dicts.

        A query of an error check (``errors``) that stops at :data:`MAX_REPORTED` rows leaves the result's row
        errors incomplete, so they are not quarantined piecemeal.
        """
        cur = self.con.execute(sql, params or [])
        names = [d[0] for d in cur.description or []]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        if errors and len(rows) >= MAX_REPORTED and f"LIMIT {MAX_REPORTED}" in sql:
            self.result.row_errors_incomplete = f"a check found {MAX_REPORTED} or more rows with errors"
        return rows


def where(row: dict[str, Any]) -> tuple[str, int | None]:
    """The file and line a failing row names."""
    line = row.get("source_line")
    return str(row.get("source_file") or "input"), int(line) if isinstance(line, int) else None


@contextmanager
def connection(temp_directory: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection that never loads extensions and spills to ``temp_directory``."""
    with tempfile.TemporaryDirectory(prefix="cg-validate-", dir=temp_directory) as spill:
        con = duckdb.connect(config={**DUCKDB_CONFIG, "memory_limit": MEMORY_LIMIT, "temp_directory": spill})
        try:
            yield con
        finally:
            con.close()
