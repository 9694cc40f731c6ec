"""Identifying columns of the data plane at rest: sealed when a batch is published, opened inside DuckDB.

**Write.** :func:`seal_staging` runs after validation and quarantine, just before a submission's staged files
are published: each staged file of a table with identifying columns (``person``, and its quarantined rows) is
rewritten with those columns (:data:`~.connectors.canonical.PII_COLUMNS`) encrypted value by value under the
submitting organization's data key (scope ``org:<slug>``, see :mod:`commonground.core.keystore`), bound to
table, column and row (:mod:`commonground.core.pii_crypto`). Validation reads the staged files before this
(plausible birth dates, duplicates), so it sees and reports the values as sent; nothing published holds them.

**Read.** :func:`relation_sql` gives the SQL of one file with its sealed columns decrypted by a vectorised
DuckDB function (:data:`FUNCTION`, registered on a connection by :func:`register`), so
:func:`.dataplane.current_relation` hands its callers plaintext columns of the canonical types. Unused columns
are never decrypted: DuckDB drops a projection nobody reads.

A sealed file needs no side table: a column the canonical model types as text or date but the file holds as
binary is sealed (:func:`commonground.core.pii_crypto.sealed_columns`), and each blob names its key.
"""

# ruff: noqa: S608 - SQL here holds quoted file paths and canonical table and column names, never input

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from duckdb import sqltypes
from duckdb.func import FunctionNullHandling, PythonUDFType

from commonground.core import keystore, pii_crypto
from commonground.ingest.connectors.quarantine import QUARANTINE_STAGE
from commonground.ingest.connectors.sink import PART

#: The DuckDB function that opens a sealed value: (table, column, source_org, source_person_id, blob) → text.
FUNCTION = "cg_pii_decrypt"
#: Tables with identifying columns, sealed at publish.
TABLES = frozenset(pii_crypto.ROW_KEY)
#: Rows encrypted per step when a file is sealed (memory stays bounded for any roster size).
BATCH_ROWS = 65_536
#: Set to False only by the benchmark and the test that prove what encryption costs and protects.
ENABLED = True


def scope(org_slug: str) -> str:
    """The key scope of what one organization sent: crypto-shredding it makes all of it unreadable."""
    return f"org:{org_slug}"


def sealed_columns(path: Path, table: str) -> dict[str, str]:
    """Column → canonical type of the sealed columns of one Parquet file (empty: nothing sealed)."""
    if table not in TABLES:
        return {}
    return pii_crypto.sealed_columns(table, pq.read_schema(path))


def seal_file(path: Path, table: str, key: keystore.DataKey) -> int:
    """Rewrite one staged file with its identifying columns encrypted under ``key``; return the rows sealed.

    The new file replaces the old one by rename after an fsync. A file already sealed is left alone.
    """
    source = pq.ParquetFile(path)
    columns = pii_crypto.encrypted_columns(table, source.schema_arrow.names)
    if not columns or pii_crypto.sealed_columns(table, source.schema_arrow):
        return 0
    tmp = path.with_name(f".sealing-{path.name}")
    writer: pq.ParquetWriter | None = None
    rows = 0
    try:
        for batch in source.iter_batches(batch_size=BATCH_ROWS):
            data = pii_crypto.encrypt_table(table, pa.Table.from_batches([batch]), key, columns=columns)
            data = data.replace_schema_metadata(None)  # the binary type says "sealed"; see the module doc
            if writer is None:
                writer = _writer(tmp, data.schema, columns)
            writer.write_table(data)
            rows += data.num_rows
    finally:
        if writer is not None:
            writer.close()
    if writer is None:
        return 0
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)  # the rename itself must survive a crash, not only the bytes
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return rows


def _writer(path: Path, schema: pa.Schema, sealed: list[str]) -> pq.ParquetWriter:
    # Blobs are unique by construction (fresh nonces): a dictionary or min/max statistics would only cost.
    unique = {*sealed, "source_line", "source_person_id"}
    return pq.ParquetWriter(
        path,
        schema,
        compression="snappy",
        use_dictionary=[n for n in schema.names if n not in unique],
        write_statistics=[
            f.name for f in schema if not (pa.types.is_string(f.type) or pa.types.is_binary(f.type))
        ],
        store_schema=False,
    )


def seal_staging(staging: Path, org_slug: str) -> dict[str, int]:
    """Seal every staged file with identifying columns (batches and quarantined rows); rows sealed per file.

    Idempotent: the publisher calls it before taking the publish lock and :func:`.dataplane.move_into_place`
    again as a guard, which then finds nothing left to do.
    """
    if not ENABLED:
        return {}
    key: keystore.DataKey | None = None
    done: dict[str, int] = {}
    for table in sorted(TABLES):
        for path in (staging / table / PART, staging / QUARANTINE_STAGE / table / PART):
            if path.is_file():
                key = key or keystore.key_for(scope(org_slug))
                done[str(path.relative_to(staging))] = seal_file(path, table, key)
    return done


def key_lookup() -> Callable[[str], bytes]:
    """A data-key lookup by key id that unwraps each key once (for one connection or one read)."""
    cache: dict[str, bytes] = {}

    def lookup(key_id: str) -> bytes:
        if key_id not in cache:
            cache[key_id] = keystore.key_by_id(key_id).key
        return cache[key_id]

    return lookup


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Add :data:`FUNCTION` to a connection (a wrong key, a moved blob or a destroyed key raise, naming the row)."""
    lookup = key_lookup()

    def decrypt(table: Any, column: Any, org: Any, pid: Any, blobs: Any) -> pa.Array:
        if blobs.null_count == len(blobs):  # an empty column costs nothing, not a pass over its rows
            return pa.nulls(len(blobs), pa.string())
        name, col = table[0].as_py(), column[0].as_py()
        associated = pii_crypto.associated_data(name, col, org, pid)
        return pii_crypto.decrypt_column(blobs, associated, name, col, lookup)

    text, blob = sqltypes.VARCHAR, sqltypes.BLOB
    con.create_function(
        FUNCTION,
        decrypt,
        [text, text, text, text, blob],
        text,
        type=PythonUDFType.ARROW,
        null_handling=FunctionNullHandling.SPECIAL,  # a null row key must still reach the function, spelled as the writer did
        side_effects=False,
    )


def ensure_registered(con: duckdb.DuckDBPyConnection) -> None:
    """Register :data:`FUNCTION` on ``con`` unless it is there (connections made outside the data plane)."""
    found = con.sql(f"SELECT count(*) FROM duckdb_functions() WHERE function_name = '{FUNCTION}'").fetchall()[
        0
    ][0]
    if not found:
        register(con)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def relation_sql(path: Path, table: str, sealed: dict[str, str] | None = None) -> str:
    """A parenthesised SELECT over one file with its sealed columns decrypted (call :func:`ensure_registered`)."""
    sealed = sealed_columns(path, table) if sealed is None else sealed
    source = f"read_parquet({_literal(str(path))})"
    if not sealed:
        return f"(SELECT * FROM {source})"
    org, pid = pii_crypto.ROW_KEY[table]
    replaced = []
    for column, type_name in sorted(sealed.items()):
        expr = f'{FUNCTION}(\'{table}\', \'{column}\', "{org}", "{pid}", "{column}")'
        if type_name.startswith("date"):
            expr = f"CAST({expr} AS DATE)"
        replaced.append(f'{expr} AS "{column}"')
    return f"(SELECT * REPLACE ({', '.join(replaced)}) FROM {source})"


def read_relation(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Any:
    """One published file (a batch or quarantined rows) as a DuckDB relation with plaintext columns."""
    sealed = sealed_columns(path, table)
    if sealed:
        ensure_registered(con)
    return con.sql(f"SELECT * FROM {relation_sql(path, table, sealed)}")


def read_table(path: Path, table: str) -> pa.Table:
    """One published file read whole into Arrow, its sealed columns decrypted (for small files only)."""
    return pii_crypto.decrypt_table(table, pq.read_table(path), key_lookup())
