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

import sys
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LITTLE_ENDIAN = sys.byteorder == "little"
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


def _upper_halves(hashes: pa.ChunkedArray) -> np.ndarray:
    """The upper 32 bits of every 64-bit hash, in one contiguous array (read as a view, chunk by chunk)."""
    top = np.empty(len(hashes), dtype=np.uint32)
    start = 0
    for chunk in hashes.chunks:
        values = chunk.to_numpy()
        end = start + len(values)
        top[start:end] = values.view(np.uint32)[1::2] if LITTLE_ENDIAN else values >> np.uint64(32)
        start = end
    return top


#: A hash half's upper bits that index the membership table of :func:`_rows_with`: 2**20 one-byte flags (1 MB)
#: stay in the CPU's cache, where a table indexed by more bits would miss it on nearly every row.
FILTER_SHIFT = 12


def _repeated(top: np.ndarray) -> np.ndarray:
    """The distinct values that occur more than once in ``top``, sorted.

    One sort of a copy on one thread: numpy's vectorised sort of 10M 32-bit values takes about 0.12 s, less
    than splitting the values between two threads cost (a boolean filter per half is as slow as the sort).
    """
    ordered = np.sort(top)
    later = ordered[1:]
    return np.unique(later[later == ordered[:-1]])


def _rows_with(top: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Positions (ascending) of the entries of ``top`` that are among ``values``.

    A hash-set lookup per row costs more than the sort before it, so a table of flags indexed by the upper
    bits of each value (:data:`FILTER_SHIFT`) lets through the few rows that may match — a gather from a
    cache-sized table — and only those are looked up exactly.
    """
    flags = np.zeros(1 << (32 - FILTER_SHIFT), dtype=bool)
    flags[values >> FILTER_SHIFT] = True
    maybe = np.flatnonzero(flags[top >> FILTER_SHIFT])
    if not len(maybe):
        return maybe
    exact = np.asarray(pc.is_in(pa.array(top[maybe]), value_set=pa.array(values)))
    return maybe[exact]


#: What :func:`one_value` returns for a column that may hold more than one value.
MANY = object()


def one_value(column: pa.Array | pa.ChunkedArray) -> object:
    """The one value of a null-free column of one-entry dictionaries (a constant such as the source
    organization, known without reading the rows); otherwise :data:`MANY`."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    values = set()
    for chunk in chunks:
        if not isinstance(chunk, pa.DictionaryArray) or chunk.null_count or len(chunk.dictionary) != 1:
            return MANY
        values.add(chunk.dictionary[0].as_py())
    return values.pop() if len(values) == 1 else MANY


class KeyHashes:
    """64-bit hashes of each table's key columns, computed batch by batch while the batches are still in memory.

    A streaming sink feeds every batch it writes (in file order) to :meth:`add`, on its writer thread, where it
    overlaps with parsing; :func:`duplicate_groups` then starts from these hashes instead of reading the key
    columns back from the staged file. Hashes are only ever compared with hashes of the same table.

    Key columns that hold one value in the table's first batch (as a one-entry dictionary: the source
    organization, say) are left out of every hash of that table, which saves hashing them for every row. Equal
    keys still get equal hashes, since the same columns are hashed in every batch; should a later batch hold
    another value in a left-out column, the table's hashes are dropped (:meth:`get` returns None) and the check
    hashes the staged file instead, so rows of different values are never lumped together.
    """

    def __init__(self, keys: dict[str, tuple[str, ...]]) -> None:
        self._keys = keys
        self._hashes: dict[str, list[pa.Array]] = {}
        #: Per table: the key columns hashed, and the one value of each key column left out.
        self._hashed: dict[str, list[str]] = {}
        self._left_out: dict[str, dict[str, object]] = {}
        self._dropped: set[str] = set()
        self._con: duckdb.DuckDBPyConnection | None = None

    def _columns(self, table: str, data: pa.Table, keys: tuple[str, ...]) -> list[str] | None:
        """The columns to hash in this batch of ``table`` (fixed by its first batch), or None to stop hashing."""
        hashed = self._hashed.get(table)
        if hashed is None:
            single = {k: one_value(data.column(k)) for k in keys}
            left_out = {k: v for k, v in single.items() if v is not MANY}
            hashed = [k for k in keys if k not in left_out]
            if not hashed:  # a first batch of constants tells nothing about later batches: hash everything
                hashed, left_out = list(keys), {}
            self._hashed[table], self._left_out[table] = hashed, left_out
            return hashed
        for column, value in self._left_out[table].items():
            if one_value(data.column(column)) != value:
                self._dropped.add(table)
                self._hashes.pop(table, None)
                return None
        return hashed

    def add(self, table: str, data: pa.Table) -> None:
        """Hash the key columns of one batch of ``table`` (tables without a natural key are skipped)."""
        keys = self._keys.get(table)
        if not keys or "source_line" in keys or table in self._dropped:
            return
        hashed = self._columns(table, data, keys)
        if hashed is None:
            return
        if self._con is None:
            self._con = duckdb.connect(
                config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
            )
        batch = data.select(hashed)  # noqa: F841 - scanned by name in the query below
        cols = ", ".join(_q(k) for k in hashed)
        found = self._con.sql(f"SELECT hash({cols}) AS h FROM batch").to_arrow_table().column("h")
        self._hashes.setdefault(table, []).extend(found.chunks)

    def get(self, table: str) -> pa.ChunkedArray | None:
        """The hashes of every row of ``table`` in file order, or None when none were computed (or dropped)."""
        chunks = self._hashes.get(table)
        return pa.chunked_array(chunks, pa.uint64()) if chunks else None

    def close(self) -> None:
        """Release the DuckDB connection (the hashes stay readable)."""
        if self._con is not None:
            self._con.close()
            self._con = None


def duplicate_groups(
    con: duckdb.DuckDBPyConnection,
    view: str,
    keys: list[str],
    live: str | None,
    limit: int,
    *,
    hashed: list[str] | None = None,
    hashes: pa.ChunkedArray | None = None,
) -> list[dict[str, Any]]:
    """Groups of rows of ``view`` (restricted by the SQL condition ``live``, if any) that share ``keys``.

    Each group has the key values, ``lines`` and ``files`` (in table order) — the first ``limit`` groups in
    the order their first row appears. ``view`` must have ``source_line``, ``source_file`` and ``_row``.
    ``hashed`` names the key columns worth hashing (the caller may leave out columns with a single value).
    ``hashes`` are the key hashes of every row in table order, already computed (:class:`KeyHashes`); they
    are used when every row counts (no ``live`` condition) and there is one per row.
    """
    where = live or "true"
    (rows,) = con.execute(f"SELECT count(*) FROM {view}").fetchall()[0]
    if rows < SMALL_TABLE_ROWS:
        return _groups(con, view, keys, where, limit)
    cols = ", ".join(_q(k) for k in hashed or keys)
    if live is None and hashes is not None and len(hashes) == rows:
        found = pa.table({"h": hashes})
        positions_of = None
    elif live is None:  # every row counts, and they come back in table order: a row's position is its index
        found = con.sql(f"SELECT hash({cols}) AS h FROM {view}").to_arrow_table()
        positions_of = None
    else:
        found = con.sql(f"SELECT _row, hash({cols}) AS h FROM {view} WHERE {live}").to_arrow_table()
        positions_of = found.column("_row").to_numpy()
    top = _upper_halves(found.column("h"))
    repeated = _repeated(top)
    if not len(repeated):
        return []
    candidates = _rows_with(top, repeated)
    full = found.column("h").take(pa.array(candidates)).to_numpy()
    _values, inverse, counts = np.unique(full, return_inverse=True, return_counts=True)
    same = candidates[counts[inverse] > 1]  # equal 64-bit hashes: almost surely equal keys, checked below
    if not len(same):
        return []
    positions = same if positions_of is None else positions_of[same]
    con.register("_cg_candidates", pa.table({"_row": pa.array(positions.astype(np.int64))}))
    try:
        return _groups(con, view, keys, f"{where} AND _row IN (SELECT _row FROM _cg_candidates)", limit)
    finally:
        con.unregister("_cg_candidates")
