"""Finding rows that share a natural key, in tables too big to group by their keys in memory.

A big table is checked in two passes. First DuckDB hashes every row's key (in parallel, reading only the key
columns) and numpy sorts the upper 32 bits of the hashes; keys that occur once — nearly all of them — are done
with. Rows whose 32-bit half repeats are compared on the whole 64-bit hash, and only rows whose hashes are equal
(true duplicates, or a once-in-a-lifetime collision) go to the second pass, which groups those few rows by their
real key values. Memory is about 16 bytes per row (the hashes and a sorted copy of their halves) instead of a
hash table of every key.
"""

# ruff: noqa: S608 - the view and key names in the SQL come from the canonical schema, never from input

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Below this many rows one exact GROUP BY is cheaper than two passes.
SMALL_TABLE_ROWS = 200_000


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _groups(
    con: duckdb.DuckDBPyConnection, source: str, keys: list[str], where: str, limit: int
) -> list[dict[str, Any]]:
    cols = ", ".join(_q(k) for k in keys)
    sql = (
        f"SELECT {cols}, list(source_line ORDER BY _row) AS lines, list(source_file ORDER BY _row) AS files, "
        f"min(_row) AS first_row FROM {source} WHERE {where} GROUP BY {cols} HAVING count(*) > 1 "
        f"ORDER BY first_row LIMIT {limit}"
    )
    cur = con.execute(sql)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _repeated(top: np.ndarray) -> np.ndarray:
    """The distinct values that occur more than once (sorted in two halves by value, on two threads)."""
    low = top < np.uint32(1 << 31)
    parts = [top[low], top[~low]]
    with ThreadPoolExecutor(max_workers=2) as pool:  # numpy releases the GIL while sorting
        list(pool.map(np.ndarray.sort, parts))
    repeated = [p[1:][p[1:] == p[:-1]] for p in parts]
    return np.unique(np.concatenate(repeated))


def duplicate_groups(
    con: duckdb.DuckDBPyConnection,
    view: str,
    keys: list[str],
    live: str | None,
    limit: int,
    *,
    hashed: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Groups of rows of ``view`` (restricted by the SQL condition ``live``, if any) that share ``keys``.

    Each group has the key values, ``lines`` and ``files`` (in table order) — the first ``limit`` groups in
    the order their first row appears. ``view`` must have ``source_line``, ``source_file`` and ``_row``.
    ``hashed`` names the key columns worth hashing (the caller may leave out columns with a single value).
    """
    where = live or "true"
    (rows,) = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0]
    if rows < SMALL_TABLE_ROWS:
        return _groups(con, view, keys, where, limit)
    cols = ", ".join(_q(k) for k in hashed or keys)
    if live is None:  # every row counts, and they come back in table order: a row's position is its index
        found = con.sql(f"SELECT hash({cols}) AS h FROM {view}").to_arrow_table()
        positions_of = None
    else:
        found = con.sql(f"SELECT _row, hash({cols}) AS h FROM {view} WHERE {live}").to_arrow_table()
        positions_of = found.column("_row").to_numpy()
    hashes = found.column("h").to_numpy()
    top = (hashes >> np.uint64(32)).astype(np.uint32)
    repeated = _repeated(top)
    if not len(repeated):
        return []
    candidates = np.flatnonzero(np.asarray(pc.is_in(pa.array(top), value_set=pa.array(repeated))))
    _values, inverse, counts = np.unique(hashes[candidates], return_inverse=True, return_counts=True)
    same = candidates[counts[inverse] > 1]  # equal 64-bit hashes: almost surely equal keys, checked below
    if not len(same):
        return []
    positions = same if positions_of is None else positions_of[same]
    con.register("_cg_candidates", pa.table({"_row": pa.array(positions.astype(np.int64))}))
    try:
        return _groups(con, view, keys, f"{where} AND _row IN (SELECT _row FROM _cg_candidates)", limit)
    finally:
        con.unregister("_cg_candidates")
