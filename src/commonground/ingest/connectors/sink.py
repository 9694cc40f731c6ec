"""Where parsers put canonical rows: Arrow record batches, streamed to memory or straight into Parquet files.

Parsers never hold a whole large table. They hand each batch to :meth:`ParseResult.emit`, which keeps running
statistics (:class:`TableStats`: row and null counts, so completeness needs no second pass) and passes the batch
to a sink:

- no sink (the default): batches are kept in memory and joined into ``ParseResult.tables`` at the end — for
  tests, previews and small files;
- :class:`ParquetSink`: one ``ParquetWriter`` per canonical table in a staging folder, fed by a background
  thread through a short queue, so parsing and Parquet encoding overlap and at most a few batches wait.
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .canonical import KEYS, schema
from .uniqueness import MANY, KeyHashes
from .uniqueness import one_value as _only_value

PART = "part-0.parquet"
#: Batches waiting for the writer thread; each is at most a few MB, so memory stays bounded.
QUEUE_BATCHES = 4
#: Text columns with few distinct values: written from Arrow dictionaries (no hashing of every value).
DICTIONARY_FIELDS = frozenset(
    {
        "submission_id",
        "source_org",
        "source_file",
        "record_status",
        "category",
        "category_raw",
        "sex",
        "grade_level",
        "state",
        "org_type",
        "program_type",
        "grade_type",
        "term",
        "letter_grade",
        "subject",
        "performance_level",
        "service_type",
        "staff_role",
        "action_type",
        "calendar_code",
        "event",
    }
)
#: Row-unique columns gain nothing from a Parquet dictionary and cost a hash per value to try one.
_NO_DICTIONARY = frozenset(
    {"source_line", "source_person_id", "duration", "minutes", "scale_score", "numeric_grade"}
)


#: A column that may hold more than one value (see :func:`.uniqueness.one_value`).
_VARIES = MANY


@dataclass
class TableStats:
    """Rows and nulls per column of one canonical table, updated batch by batch.

    It also notices columns that arrive as one-entry dictionaries (a constant such as the source organization
    or file) without looking at the data, so validation need not hash them.
    """

    table: str
    rows: int = 0
    nulls: dict[str, int] = field(default_factory=dict)
    single: dict[str, object] = field(default_factory=dict)

    def add(self, batch: pa.RecordBatch | pa.Table) -> None:
        """Count one batch (null counts are kept by Arrow, so this is O(columns))."""
        self.rows += batch.num_rows
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            self.nulls[name] = self.nulls.get(name, 0) + column.null_count
            if self.single.get(name, None) is not _VARIES:
                value = _only_value(column)
                known = self.single.get(name, value)
                self.single[name] = value if value is not _VARIES and known == value else _VARIES

    def constant(self, column: str) -> bool:
        """True when every row so far had the same (non-null) value in ``column``, as far as is known cheaply."""
        return self.rows > 0 and self.single.get(column, _VARIES) is not _VARIES

    def completeness(self, columns: list[str]) -> dict[str, float]:
        """Share of non-null values per column (1.0 = always filled)."""
        if not self.rows:
            return {}
        return {col: round(1 - self.nulls.get(col, self.rows) / self.rows, 4) for col in columns}


class TableSink(Protocol):
    """A destination for canonical record batches."""

    def write(self, table: str, batch: pa.RecordBatch | pa.Table) -> None:
        """Take one batch of ``table`` (canonical columns; text may be dictionary-encoded)."""

    def close(self) -> None:
        """Finish every file; after this, :meth:`path` names complete files."""

    def path(self, table: str) -> Path | None:
        """The finished file of ``table``, or None when it received no rows."""


def constant_column(value: object, typ: pa.DataType, rows: int) -> pa.Array:
    """An array of ``rows`` copies of ``value`` (null when ``value`` is None): a slice of a cached array."""
    capacity = 1 << max(rows - 1, 1).bit_length()
    return _filled(value, typ, capacity).slice(0, rows)


def constant_dictionary(value: str, rows: int) -> pa.DictionaryArray:
    """``rows`` copies of ``value`` as a one-entry dictionary (no copy of the text per row)."""
    capacity = 1 << max(rows - 1, 1).bit_length()
    return pa.DictionaryArray.from_arrays(_zeros(capacity).slice(0, rows), pa.array([value], pa.string()))


@functools.lru_cache(maxsize=8)
def _zeros(rows: int) -> pa.Array:
    return pa.array(np.zeros(rows, dtype=np.int32))


@functools.lru_cache(maxsize=64)
def _filled(value: object, typ: pa.DataType, rows: int) -> pa.Array:
    if value is None:
        return pa.nulls(rows, typ)
    if pa.types.is_string(typ) and rows * len(str(value).encode("utf-8")) < 2**31:
        data = str(value).encode("utf-8")
        offsets = np.arange(rows + 1, dtype=np.int32) * np.int32(len(data))
        return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data * rows))
    return pc.fill_null(pa.nulls(rows, typ), pa.scalar(value, typ))


def write_schema(table: str) -> pa.Schema:
    """The schema a table is written with: canonical, low-cardinality text dictionary-encoded.

    Files are written without the Arrow schema in their metadata, so every reader (pyarrow, DuckDB, Spark)
    sees plain strings in the canonical types.
    """
    fields = [
        pa.field(f.name, pa.dictionary(pa.int32(), pa.string())) if f.name in DICTIONARY_FIELDS else f
        for f in schema(table)
    ]
    return pa.schema(fields)


def conform(data: pa.Table, target: pa.Schema) -> pa.Table:
    """``data`` with its columns encoded as ``target`` says (dictionary or plain text; nothing else changes)."""
    arrays = []
    for f in target:
        column = data.column(f.name)
        if column.type != f.type:
            if column.null_count == len(column):
                column = pa.chunked_array([pa.nulls(len(column), f.type)])
            elif pa.types.is_dictionary(f.type):
                column = pc.dictionary_encode(column.cast(f.type.value_type))
            else:
                column = column.cast(f.type)
        arrays.append(column)
    out = pa.Table.from_arrays(arrays, schema=target)
    return out.unify_dictionaries() if any(pa.types.is_dictionary(f.type) for f in target) else out


class ParquetSink:
    """Streams each canonical table into ``folder/<table>/part-0.parquet`` through a writer thread.

    ``submission_id`` (when given) is written into every row's ``submission_id`` column. Errors of the writer
    thread are raised by the next :meth:`write` or by :meth:`close`.

    Example:
        >>> sink = ParquetSink(Path("/tmp/staging/abc"), submission_id=7)
        >>> sink.write("school", batch)
        >>> sink.close(); sink.path("school")
        PosixPath('/tmp/staging/abc/school/part-0.parquet')
    """

    def __init__(self, folder: Path, submission_id: int | str | None = None) -> None:
        self.folder = folder
        self.submission_id = None if submission_id is None else str(submission_id)
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._paths: dict[str, Path] = {}
        self._queue: queue.Queue[tuple[str, pa.Table] | None] = queue.Queue(QUEUE_BATCHES)
        self._error: BaseException | None = None
        #: Key hashes of every row written, for the duplicate-key check (computed on the writer thread).
        self.key_hashes = KeyHashes(KEYS)
        self._thread = threading.Thread(target=self._run, name="parquet-sink", daemon=True)
        self._thread.start()
        self._closed = False

    def _open(self, table: str, target: pa.Schema) -> pq.ParquetWriter:
        folder = self.folder / table
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / PART
        dictionary = [n for n in target.names if n not in _NO_DICTIONARY]
        # Min/max statistics of text cost as much as encoding it; numbers and dates keep theirs (for pruning).
        stats = [f.name for f in target if not (pa.types.is_string(f.type) or pa.types.is_dictionary(f.type))]
        writer = pq.ParquetWriter(
            path,
            target,
            compression="snappy",
            use_dictionary=dictionary,
            write_statistics=stats,
            store_schema=False,
        )
        self._writers[table] = writer
        self._paths[table] = path
        return writer

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue  # drain, so producers never block on a dead writer
            table, data = item
            try:
                if self.submission_id is not None:
                    index = data.schema.get_field_index("submission_id")
                    column = constant_dictionary(self.submission_id, data.num_rows)
                    data = data.set_column(index, pa.field("submission_id", column.type), column)
                target = write_schema(table)
                data = conform(data, target)  # in this thread: it overlaps with parsing
                writer = self._writers.get(table) or self._open(table, target)
                writer.write_table(data)
                self.key_hashes.add(table, data)
            except BaseException as exc:
                self._error = exc

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, table: str, batch: pa.RecordBatch | pa.Table) -> None:
        """Queue one batch (blocks while the writer is :data:`QUEUE_BATCHES` behind)."""
        self._raise()
        if self._closed:
            raise RuntimeError("the sink is closed")
        if batch.num_rows == 0:
            return
        data = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
        self._queue.put((table, data))

    def close(self) -> None:
        """Wait for the writer thread and close every file (idempotent)."""
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
            for writer in self._writers.values():
                writer.close()
            self.key_hashes.close()
        self._raise()

    def abort(self) -> None:
        """Stop the writer thread and close the files without raising (after an error elsewhere)."""
        if not self._closed:
            self._error = self._error or RuntimeError("aborted")
            with contextlib.suppress(Exception):
                self.close()

    def path(self, table: str) -> Path | None:
        """The file written for ``table`` (None when no row of it was written)."""
        return self._paths.get(table)

    def paths(self) -> dict[str, Path]:
        """Every file written, by table."""
        return dict(self._paths)
