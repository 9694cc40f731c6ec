"""Verifying a destruction: count what is left and try to decrypt it (Django-free).

After the data is removed and the keys destroyed, :func:`scan` reads *every* Parquet file of a data folder (the
live hub's, then the latest backup's) and counts

- ``files``: files still under a destroyed organization's folders (batches, quarantine, inbox);
- ``rows``: rows still naming a destroyed record — any row whose ``source_org`` is a destroyed organization
  (agreement) or whose (``source_org``, ``source_person_id``) is a destroyed student's (lawful request);
- ``ciphertexts``: sealed values (``core.pii_crypto`` blobs) under one of the destroyed data keys, or in a row
  that names a destroyed record;
- ``decryptable``: how many of those ciphertexts actually decrypt — each one is tried with the key store's key
  and its associated data, not assumed unreadable.

A destruction is verified when every count but ``ciphertexts`` is 0 (and ciphertexts, if any remain in a backup
the hub could not reach, do not decrypt).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from commonground.core import envelope, sealed_files
from commonground.governance.destruction.files import RowMatch, org_folders, row_mask, snapshot_path

BLOB_VERSION = b"\x02"  # core.pii_crypto.VERSION
KEY_ID = slice(1, 17)
NONCE_END = 17 + 12
#: key id → key bytes; raises LookupError when the key does not exist (destroyed).
KeyLookup = Callable[[str], bytes]


@dataclass
class Finding:
    """What a scan found in one data folder."""

    folder: str
    files: int = 0
    rows: int = 0
    ciphertexts: int = 0
    decryptable: int = 0

    @property
    def clean(self) -> bool:
        """Nothing destroyed is left readable: no file, no row, no ciphertext that decrypts."""
        return self.files == 0 and self.rows == 0 and self.decryptable == 0

    def as_dict(self) -> dict[str, Any]:
        """The counts, for the certificate."""
        return {**asdict(self), "clean": self.clean}


def _table_of(path: Path, data: Path) -> str:
    parts = path.relative_to(data).parts
    return parts[1] if len(parts) > 1 else ""


def _decrypts(blob: bytes, table: str, column: str, row: str, lookup: KeyLookup) -> bool:
    try:
        key = lookup(blob[KEY_ID].hex())
    except LookupError:
        return False
    try:
        AESGCM(key).decrypt(blob[17:NONCE_END], blob[NONCE_END:], envelope.aad(table, column, row))
    except (InvalidTag, ValueError):
        return False
    return True


def _scan_table(
    found: Finding, table: pa.Table, name: str, match: RowMatch, key_ids: set[str], lookup: KeyLookup
) -> None:
    mask = row_mask(table, match)
    named = mask.to_pylist() if mask is not None else [False] * table.num_rows
    found.rows += sum(named)
    has_rows = "source_org" in table.column_names and "source_person_id" in table.column_names
    orgs = table.column("source_org").to_pylist() if has_rows else [None] * table.num_rows
    ids = table.column("source_person_id").to_pylist() if has_rows else [None] * table.num_rows
    for field in table.schema:
        if not (pa.types.is_binary(field.type) or pa.types.is_large_binary(field.type)):
            continue
        for i, blob in enumerate(table.column(field.name).to_pylist()):
            if blob is None or blob[:1] != BLOB_VERSION or len(blob) < NONCE_END + 16:
                continue
            if not (named[i] or blob[KEY_ID].hex() in key_ids):
                continue
            found.ciphertexts += 1
            if _decrypts(blob, name, field.name, f"{orgs[i]}/{ids[i]}", lookup):
                found.decryptable += 1


def scan(
    data: Path,
    *,
    organizations: Iterable[str] = (),
    match: RowMatch,
    key_ids: Iterable[str] = (),
    lookup: KeyLookup,
    label: str | None = None,
) -> Finding:
    """Count what is left of a destruction in the data folder ``data`` (see the module docstring)."""
    found = Finding(folder=label or str(data))
    if not data.is_dir():
        return found
    for slug in organizations:
        found.files += sum(1 for folder in org_folders(data, slug) for p in folder.rglob("*") if p.is_file())
    wanted = set(key_ids)
    files = [
        *data.glob("batches/*/org=*/submission=*/*.parquet"),
        *data.glob("quarantine/*/org=*/*/*.parquet"),
    ]
    for path in sorted(files):
        _scan_table(found, pq.read_table(path), _table_of(path, data), match, wanted, lookup)
    snapshot = snapshot_path(data)
    if snapshot.exists():
        table = sealed_files.read(snapshot)
        if table is not None:
            _scan_table(found, table, "linkage", match, wanted, lookup)
        else:
            found.ciphertexts += (
                1  # a sealed snapshot whose key is gone: one ciphertext, tried and unreadable
            )
    return found
