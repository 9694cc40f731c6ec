"""Canonical tables as DuckDB views: from Parquet paths or Arrow tables, conformed to the canonical schema.

Missing tables become empty views and missing columns typed nulls, so every indicator's SQL runs on whatever
a community has shared (an indicator whose inputs are empty simply returns zero counts).
"""

# ruff: noqa: S608 - view and column names come from the canonical schema, never from input

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from commonground.ingest.connectors.canonical import SCHEMAS

from .errors import IndicatorError

#: Never fetch or load an extension at run time (DESIGN.md §7).
OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
LINK_SCHEMA = pa.schema(
    [("source_org", pa.string()), ("source_person_id", pa.string()), ("hub_person_id", pa.string())]
)
#: Every table the indicator SQL may read: the canonical ones and the optional person link.
ALL_SCHEMAS: dict[str, pa.Schema] = {**SCHEMAS, "person_link": LINK_SCHEMA}

Source: TypeAlias = str | Path | Sequence[str | Path] | pa.Table
Sources: TypeAlias = Mapping[str, Source]


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that never downloads extensions."""
    return duckdb.connect(":memory:", config=dict(OFFLINE))


def duck_type(typ: pa.DataType) -> str:
    """The SQL type of an Arrow type of the canonical schema."""
    if pa.types.is_string(typ):
        return "VARCHAR"
    if pa.types.is_date32(typ):
        return "DATE"
    if pa.types.is_int32(typ):
        return "INTEGER"
    if pa.types.is_floating(typ):
        return "DOUBLE"
    if pa.types.is_boolean(typ):
        return "BOOLEAN"
    if pa.types.is_timestamp(typ):
        return "TIMESTAMP"
    raise TypeError(f"no SQL type for {typ}")


def _paths(source: Source, name: str) -> list[str]:
    if isinstance(source, pa.Table):
        raise TypeError("an Arrow table has no paths")
    items: list[str | Path] = [source] if isinstance(source, str | Path) else list(source)
    paths: list[str] = []
    for item in items:
        path = Path(item)
        found = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
        if not found or not all(p.exists() for p in found):
            raise IndicatorError(f"table {name!r}: no Parquet file at {path}")
        paths += [str(p) for p in found]
    return paths


def select_list(name: str, present: Iterable[str], schema: pa.Schema) -> str:
    """Canonical columns in order (typed nulls for missing ones), then any extra columns as they are."""
    have = set(present)
    cols = [
        f'"{f.name}"' if f.name in have else f'CAST(NULL AS {duck_type(f.type)}) AS "{f.name}"'
        for f in schema
    ]
    cols += [f'"{c}"' for c in present if c not in schema.names]
    return ", ".join(cols)


def register(con: duckdb.DuckDBPyConnection, sources: Sources, keep: Iterable[str] = ()) -> set[str]:
    """Create a view for every table the indicators read; returns the names that came from ``sources``.

    Tables named in ``keep`` (already in the connection) are left as they are.
    """
    keep = set(keep)
    unknown = sorted(set(sources) - set(ALL_SCHEMAS))
    if unknown:
        raise IndicatorError(f"unknown table {', '.join(unknown)}; known: {', '.join(sorted(ALL_SCHEMAS))}")
    given: set[str] = set()
    for name, schema in ALL_SCHEMAS.items():
        source = sources.get(name)
        if source is None and name in keep:
            given.add(name)
            continue
        if source is None:
            con.register(f"{name}__empty", schema.empty_table())
            con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT * FROM "{name}__empty"')
            continue
        given.add(name)
        if isinstance(source, pa.Table):
            con.register(f"{name}__arrow", source)
            columns: list[str] = source.schema.names
            origin = f'"{name}__arrow"'
        else:
            paths = _paths(source, name)
            columns = pq.read_schema(paths[0]).names
            origin = "read_parquet([" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "])"
        con.execute(
            f'CREATE OR REPLACE VIEW "{name}" AS SELECT {select_list(name, columns, schema)} FROM {origin}'
        )
    return given


def existing(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables and views already in the connection's main schema."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    """Column names of one table or view."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_name = ?",
        [table],
    ).fetchall()
    return {r[0] for r in rows}
