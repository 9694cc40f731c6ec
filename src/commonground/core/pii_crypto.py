"""Identifying columns of the data plane, encrypted value by value (Django-free).

The ``person`` table's identifying columns (names, birth date, address, contacts, raw identifiers: the canonical
model's ``PII_COLUMNS``) are stored as AES-256-GCM blobs under the data key of the source that sent them. Each
blob carries the id of its data key, so a reader needs no side table, and its associated data binds
``person|<column>|<source_org>/<source_person_id>``: a blob moved to another row or column does not decrypt.

Blob: ``b"\\x02" || key id (16 bytes) || nonce (12) || ciphertext || tag (16)``. Dates are encrypted as ISO text.
A table's Parquet metadata (``commonground:encrypted``) lists the encrypted columns and their original types, so
:func:`decrypt_table` restores them exactly.

Example:
    >>> from commonground.core.keystore import DataKey
    >>> key = DataKey("0" * 32, "org:demo", b"k" * 32)
    >>> t = pa.table({"source_org": ["demo"], "source_person_id": ["7"], "first_name": ["Ana"]})
    >>> e = encrypt_table("person", t, key, columns=["first_name"])
    >>> e.column("first_name").type
    DataType(binary)
    >>> decrypt_table("person", e, {key.key_id: key.key}.__getitem__).column("first_name").to_pylist()
    ['Ana']
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from commonground.core.envelope import DecryptionError, aad
from commonground.core.keystore import DataKey
from commonground.ingest.connectors.canonical import PII_COLUMNS, SCHEMAS

VERSION = b"\x02"
NONCE = 12
META_KEY = b"commonground:encrypted"
#: Tables whose identifying columns are encrypted, and the columns that make a row's key.
ROW_KEY = {"person": ("source_org", "source_person_id")}

KeyLookup = Callable[[str], bytes]


def encrypted_columns(table: str, names: Iterable[str]) -> list[str]:
    """The columns of ``table`` (among ``names``) that are stored encrypted."""
    if table not in ROW_KEY:
        return []
    return [n for n in names if n in PII_COLUMNS]


def sealed_columns(table: str, schema: pa.Schema) -> dict[str, str]:
    """Column → original type name of the identifying columns ``schema`` holds as blobs.

    Files written without Arrow metadata (the data plane's) still say which columns are sealed: an identifying
    column is text or a date in the canonical model, so a binary one holds blobs.
    """
    meta: dict[str, str] = json.loads((schema.metadata or {}).get(META_KEY, b"{}"))
    if meta:
        return meta
    canonical = SCHEMAS.get(table)
    return {
        f.name: str(canonical.field(f.name).type)
        for f in schema
        if canonical is not None
        and f.name in encrypted_columns(table, [f.name])
        and (pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type))
    }


def row_keys(table: str, data: pa.Table) -> list[str]:
    """``source_org/source_person_id`` of each row: what the associated data binds a value to."""
    org, pid = ROW_KEY[table]
    orgs = data.column(org).to_pylist()
    ids = data.column(pid).to_pylist()
    return [f"{o}/{p}" for o, p in zip(orgs, ids, strict=True)]


def encrypt_table(
    table: str, data: pa.Table, key: DataKey, *, columns: Iterable[str] | None = None
) -> pa.Table:
    """``data`` with its identifying columns replaced by encrypted blobs (already-encrypted columns are kept)."""
    wanted = list(columns) if columns is not None else encrypted_columns(table, data.column_names)
    meta = dict(data.schema.metadata or {})
    done = sealed_columns(table, data.schema)
    todo = [c for c in wanted if c in data.column_names and c not in done]
    if not todo:
        return data
    org, pid = ROW_KEY[table]
    for name in todo:
        index = data.column_names.index(name)
        original = data.schema.field(name).type
        where = associated_data(table, name, data.column(org), data.column(pid))
        blobs = encrypt_column(key, data.column(name), where)
        data = data.set_column(index, pa.field(name, pa.binary()), blobs)
        done[name] = str(original)
    meta[META_KEY] = json.dumps(done, sort_keys=True).encode()
    return data.replace_schema_metadata(meta)


def associated_data(table: str, column: str, org: Any, pid: Any) -> pa.Array:
    """The associated data of each row (``envelope.aad(table, column, "<org>/<pid>")``) as Arrow binary.

    ``org`` and ``pid`` are Arrow arrays of the row-key columns; a null is spelled ``None``, as
    :func:`row_keys` spells it.
    """
    rows = pc.binary_join_element_wise(
        pc.fill_null(pc.cast(org, pa.string()), "None"), pc.fill_null(pc.cast(pid, pa.string()), "None"), "/"
    )
    head = aad(table, column, "").decode()[:-1]  # joined back with its trailing "|"
    joined = pc.binary_join_element_wise(head, rows, "|").cast(pa.binary())
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _flat(values: Any) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def encrypt_column(key: DataKey, values: Any, associated: pa.Array) -> pa.Array:
    """Encrypt one Arrow column (text, or dates as ISO text) with each row's associated data; nulls stay null.

    Vectorised: Arrow prepares every nonce, plaintext and associated data, and the cipher runs in one ``map``,
    so the cost per value is the AES-GCM call itself (an ingest of a roster pays little more than that).
    """
    values = _flat(values)
    n = len(values)
    if values.null_count == n:
        return pa.nulls(n, pa.binary())
    valid = pc.is_valid(values)
    text = pc.cast(pc.cast(values, pa.string()), pa.binary())
    if values.null_count:
        text, associated = text.filter(valid), associated.filter(valid)
    count = len(text)
    nonces = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(NONCE), count, [None, pa.py_buffer(os.urandom(NONCE * count))]
    )
    sealed = list(map(AESGCM(key.key).encrypt, nonces.to_pylist(), text.to_pylist(), associated.to_pylist()))
    prefix = pa.scalar(VERSION + bytes.fromhex(key.key_id), pa.binary())
    blobs = pc.binary_join_element_wise(
        prefix, nonces.cast(pa.binary()), pa.array(sealed, pa.binary()), pa.scalar(b"", pa.binary())
    )
    if values.null_count:
        return pc.replace_with_mask(pa.nulls(n, pa.binary()), valid, blobs)
    return blobs


def encrypt_values(
    key: DataKey, values: Sequence[str | None], table: str, column: str, rows: Sequence[str]
) -> pa.Array:
    """Encrypt one column's text values under ``key`` (``None`` stays null); ``rows`` are the row keys."""
    head = aad(table, column, "")
    where = pa.array([head + r.encode() for r in rows], pa.binary())
    return encrypt_column(key, pa.array(values, pa.string()), where)


def decrypt_column(blobs: Any, associated: pa.Array, table: str, column: str, lookup: KeyLookup) -> pa.Array:
    """Decrypt one Arrow column of blobs to text; :class:`DecryptionError` names the column and row of a failure.

    Vectorised like :func:`encrypt_column` when the column's blobs share one key (one source: the usual case);
    otherwise, or to find the row that failed, value by value (:func:`decrypt_with`).
    """
    blobs = _flat(blobs)
    n = len(blobs)
    if blobs.null_count == n:
        return pa.nulls(n, pa.string())
    valid = pc.is_valid(blobs)
    present, where = (
        (blobs.filter(valid), associated.filter(valid)) if blobs.null_count else (blobs, associated)
    )
    opened: list[bytes] | None = None
    heads = pc.unique(pc.binary_slice(present, 0, 17))
    if (
        len(heads) == 1
        and heads[0].as_py()[:1] == VERSION
        and pc.min(pc.binary_length(present)).as_py() >= 45
    ):
        try:
            cipher = AESGCM(lookup(heads[0].as_py()[1:].hex()))
            nonces = pc.binary_slice(present, 17, 17 + NONCE).to_pylist()
            opened = list(
                map(
                    cipher.decrypt,
                    nonces,
                    pc.binary_slice(present, 17 + NONCE, 1 << 30).to_pylist(),
                    where.to_pylist(),
                )
            )
        except (LookupError, InvalidTag):
            opened = None  # the value-by-value path says which row, and why
    if opened is None:
        texts = decrypt_with(present.to_pylist(), where.to_pylist(), table, column, lookup)
        out = pa.array(texts, pa.string())
    else:
        out = pc.cast(pa.array(opened, pa.binary()), pa.string())
    if blobs.null_count:
        return pc.replace_with_mask(pa.nulls(n, pa.string()), valid, out)
    return out


def decrypt_values(
    blobs: Sequence[bytes | None], table: str, column: str, rows: Sequence[str], lookup: KeyLookup
) -> list[str | None]:
    """Decrypt one column's blobs; :class:`DecryptionError` names the column and row of the first failure."""
    head = aad(table, column, "")
    return decrypt_with(blobs, [head + r.encode() for r in rows], table, column, lookup)


def decrypt_with(
    blobs: Sequence[bytes | None], associated: Sequence[bytes], table: str, column: str, lookup: KeyLookup
) -> list[str | None]:
    """Decrypt blobs given each one's associated data (see :func:`associated_data`): the loop every read runs."""
    ciphers: dict[bytes, AESGCM] = {}
    body_at = 17 + NONCE
    out: list[str | None] = []
    append = out.append
    i = 0
    try:
        for i, blob in enumerate(blobs):  # ``i`` names the row of a failure below
            if blob is None:
                append(None)
                continue
            if blob[:1] != VERSION or len(blob) < body_at + 16:
                raise DecryptionError("not an encrypted value of this hub")
            key_id = blob[1:17]
            cipher = ciphers.get(key_id)
            if cipher is None:
                try:
                    cipher = ciphers[key_id] = AESGCM(lookup(key_id.hex()))
                except LookupError as exc:
                    raise DecryptionError(f"its data key is gone ({exc})") from exc
            append(cipher.decrypt(blob[17:body_at], blob[body_at:], associated[i]).decode())
    except (DecryptionError, InvalidTag) as exc:
        row = associated[i][len(aad(table, column, "")) :].decode()
        reason = "does not decrypt here (moved or changed)" if isinstance(exc, InvalidTag) else str(exc)
        raise DecryptionError(f"{table}.{column} of {row}: {reason}") from exc
    return out


def decrypt_table(
    table: str, data: pa.Table, lookup: KeyLookup, *, columns: Iterable[str] | None = None
) -> pa.Table:
    """``data`` with its encrypted columns (all, or those named) back in their original types."""
    meta = dict(data.schema.metadata or {})
    done = sealed_columns(table, data.schema)
    names = [
        c for c in (columns if columns is not None else list(done)) if c in done and c in data.column_names
    ]
    if not names:
        return data
    org, pid = ROW_KEY[table]
    for name in names:
        index = data.column_names.index(name)
        where = associated_data(table, name, data.column(org), data.column(pid))
        texts = decrypt_column(data.column(name), where, table, name, lookup)
        restored = pc.cast(texts, pa.date32()) if done[name].startswith("date") else texts
        data = data.set_column(index, pa.field(name, restored.type), restored)
        del done[name]
    if done:
        meta[META_KEY] = json.dumps(done, sort_keys=True).encode()
    else:
        meta.pop(META_KEY, None)
    return data.replace_schema_metadata(meta or None)
