"""Whole files of derived personal data (the linkage engine's prepared records) encrypted at rest (Django-free).

A sealed file is ``MAGIC || key id (16 bytes) || envelope blob`` — the table as an Arrow IPC stream (zstd),
encrypted with AES-256-GCM under a data key of its own, the key id bound as associated data. (Arrow IPC, not
Parquet: this module is no data-plane reader; the caller decides what a plain file means, see
``linkage.snapshot``.) Each write makes a **new** key and, once the new
file is in place, destroys the keys of earlier versions (:func:`write`): a copy of an older version — in a backup,
say — becomes unreadable as soon as a newer one is written. That suits a cache that can be rebuilt (the linkage
snapshot: a hub restored from a backup runs a full ``commonground link`` again), and it makes a destruction that
rewrites the file reach every older copy at once.

Example:
    >>> write(Path("/tmp/x.sealed"), pa.table({"a": [1]}), family="demo")  # doctest: +SKIP
    >>> read(Path("/tmp/x.sealed")).to_pylist()  # doctest: +SKIP
    [{'a': 1}]
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa

from commonground.core import envelope, keystore

MAGIC = b"CGSEAL1\n"
_ID = 16


def _scope(family: str, generation: str) -> str:
    return f"file:{family}:{generation}"


def _associated(key_id: str) -> bytes:
    return envelope.aad("file", "arrow-ipc", key_id)


def write(path: Path, table: pa.Table, *, family: str) -> str:
    """Replace ``path`` with ``table`` sealed under a new key; destroy the older keys of ``family``; return the key id."""
    sink = pa.BufferOutputStream()
    options = pa.ipc.IpcWriteOptions(compression="zstd")
    with pa.ipc.new_stream(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    key = keystore.key_for(_scope(family, uuid.uuid4().hex))
    blob = envelope.encrypt(key.key, sink.getvalue().to_pybytes(), _associated(key.key_id))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    with tmp.open("wb") as fh:
        fh.write(MAGIC + bytes.fromhex(key.key_id) + blob)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    for scope in keystore.scopes():
        if scope.startswith(_scope(family, "")) and scope != key.scope:
            keystore.destroy(scope)  # older versions, wherever a copy of them is, are unreadable from here on
    return key.key_id


def read(path: Path) -> pa.Table | None:
    """The table in ``path``; None when its key was destroyed (a newer version replaced it, or it was shredded).

    Raises :class:`ValueError` for a file that is not sealed, and :class:`~.envelope.DecryptionError` for one
    that was changed.
    """
    raw = path.read_bytes()
    if not raw.startswith(MAGIC):
        raise ValueError(f"{path} is not a sealed file")
    key_id = raw[len(MAGIC) : len(MAGIC) + _ID].hex()
    try:
        key = keystore.key_by_id(key_id)
    except keystore.MissingKeyError:
        return None
    data = envelope.decrypt(key.key, raw[len(MAGIC) + _ID :], _associated(key_id))
    return pa.ipc.open_stream(pa.BufferReader(data)).read_all()


def is_sealed(path: Path) -> bool:
    """True when ``path`` is a sealed file (its first bytes say so)."""
    with path.open("rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC
