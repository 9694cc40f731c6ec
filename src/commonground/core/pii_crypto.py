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

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Sequence

import pyarrow as pa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from commonground.core.envelope import DecryptionError, aad
from commonground.core.keystore import DataKey
from commonground.ingest.connectors.canonical import PII_COLUMNS

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


def row_keys(table: str, data: pa.Table) -> list[str]:
    """``source_org/source_person_id`` of each row: what the associated data binds a value to."""
    org, pid = ROW_KEY[table]
    orgs = data.column(org).to_pylist()
    ids = data.column(pid).to_pylist()
    return [f"{o}/{p}" for o, p in zip(orgs, ids, strict=True)]


def _text(values: pa.ChunkedArray | pa.Array) -> list[str | None]:
    if pa.types.is_date(values.type):
        return [None if v is None else v.isoformat() for v in values.to_pylist()]
    return [None if v is None else str(v) for v in values.to_pylist()]


def encrypt_values(
    key: DataKey, values: Sequence[str | None], table: str, column: str, rows: Sequence[str]
) -> pa.Array:
    """Encrypt one column's text values under ``key`` (``None`` stays null)."""
    cipher = AESGCM(key.key)
    prefix = VERSION + bytes.fromhex(key.key_id)
    out: list[bytes | None] = []
    for value, row in zip(values, rows, strict=True):
        if value is None:
            out.append(None)
            continue
        nonce = os.urandom(NONCE)
        out.append(prefix + nonce + cipher.encrypt(nonce, value.encode(), aad(table, column, row)))
    return pa.array(out, type=pa.binary())


def encrypt_table(
    table: str, data: pa.Table, key: DataKey, *, columns: Iterable[str] | None = None
) -> pa.Table:
    """``data`` with its identifying columns replaced by encrypted blobs (already-encrypted columns are kept)."""
    wanted = list(columns) if columns is not None else encrypted_columns(table, data.column_names)
    meta = dict(data.schema.metadata or {})
    done: dict[str, str] = json.loads(meta.get(META_KEY, b"{}"))
    todo = [c for c in wanted if c in data.column_names and c not in done]
    if not todo:
        return data
    rows = row_keys(table, data)
    for name in todo:
        index = data.column_names.index(name)
        original = data.schema.field(name).type
        blobs = encrypt_values(key, _text(data.column(name)), table, name, rows)
        data = data.set_column(index, pa.field(name, pa.binary()), blobs)
        done[name] = str(original)
    meta[META_KEY] = json.dumps(done, sort_keys=True).encode()
    return data.replace_schema_metadata(meta)


def decrypt_values(
    blobs: Sequence[bytes | None], table: str, column: str, rows: Sequence[str], lookup: KeyLookup
) -> list[str | None]:
    """Decrypt one column's blobs; :class:`DecryptionError` names the column and row of the first failure."""
    ciphers: dict[str, AESGCM] = {}
    out: list[str | None] = []
    for blob, row in zip(blobs, rows, strict=True):
        if blob is None:
            out.append(None)
            continue
        if blob[:1] != VERSION or len(blob) < 1 + 16 + NONCE + 16:
            raise DecryptionError(f"{table}.{column} of {row}: not an encrypted value of this hub")
        key_id = blob[1:17].hex()
        cipher = ciphers.get(key_id)
        if cipher is None:
            try:
                cipher = ciphers[key_id] = AESGCM(lookup(key_id))
            except LookupError as exc:
                raise DecryptionError(f"{table}.{column} of {row}: its data key is gone ({exc})") from exc
        nonce, body = blob[17 : 17 + NONCE], blob[17 + NONCE :]
        try:
            out.append(cipher.decrypt(nonce, body, aad(table, column, row)).decode())
        except InvalidTag as exc:
            raise DecryptionError(
                f"{table}.{column} of {row}: does not decrypt here (moved or changed)"
            ) from exc
    return out


def _restore(values: list[str | None], type_name: str) -> pa.Array:
    if type_name.startswith("date"):
        return pa.array([None if v is None else dt.date.fromisoformat(v) for v in values], type=pa.date32())
    return pa.array(values, type=pa.string())


def decrypt_table(
    table: str, data: pa.Table, lookup: KeyLookup, *, columns: Iterable[str] | None = None
) -> pa.Table:
    """``data`` with its encrypted columns (all, or those named) back in their original types."""
    meta = dict(data.schema.metadata or {})
    done: dict[str, str] = json.loads(meta.get(META_KEY, b"{}"))
    names = [
        c for c in (columns if columns is not None else list(done)) if c in done and c in data.column_names
    ]
    if not names:
        return data
    rows = row_keys(table, data)
    for name in names:
        index = data.column_names.index(name)
        values = decrypt_values(data.column(name).to_pylist(), table, name, rows, lookup)
        restored = _restore(values, done[name])
        data = data.set_column(index, pa.field(name, restored.type), restored)
        del done[name]
    if done:
        meta[META_KEY] = json.dumps(done, sort_keys=True).encode()
    else:
        meta.pop(META_KEY, None)
    return data.replace_schema_metadata(meta or None)
