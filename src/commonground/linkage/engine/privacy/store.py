"""Encoded files: write and read ``id, clk, blk_*`` as Parquet (with the filter size and secret fingerprint in
the file's metadata) or CSV (with them in a first comment line)."""

from __future__ import annotations

import base64
import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..files import InputError
from .clk import BLOCK_COLUMNS, Encoded, decode_filters

_META_BITS = b"commonground.clk.bits"
_META_KEY = b"commonground.clk.fingerprint"


@dataclass
class EncodedFile:
    """An encoded file read back: ids, packed filters, blocking tokens, filter size and secret fingerprint."""

    name: str
    ids: list[str]
    filters: np.ndarray
    blocks: pa.Table
    bits: int
    fingerprint: str | None


def write_encoded(path: Path, encoded: Encoded) -> None:
    """Parquet when ``path`` ends in ``.parquet``, otherwise CSV."""
    if path.suffix.lower() in (".parquet", ".pq"):
        meta = {_META_BITS: str(encoded.bits).encode(), _META_KEY: encoded.fingerprint.encode()}
        pq.write_table(encoded.table.replace_schema_metadata(meta), path)
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# commonground-clk bits={encoded.bits} fingerprint={encoded.fingerprint}\n")
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(encoded.table.column_names)
        out.writerows(zip(*(c.to_pylist() for c in encoded.table.columns), strict=True))


def _read_csv(path: Path) -> tuple[pa.Table, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        first = fh.readline()
        meta = dict(p.split("=", 1) for p in first[1:].split() if "=" in p) if first.startswith("#") else {}
        if not first.startswith("#"):
            fh.seek(0)
        rows = list(csv.reader(fh))
    if not rows:
        raise InputError(f"{path.name} is empty: expected an encoded file written by `commonground encode`")
    header, body = rows[0], rows[1:]
    cols = {h: [r[i] if i < len(r) and r[i] != "" else None for r in body] for i, h in enumerate(header)}
    return pa.table({h: pa.array(v, pa.string()) for h, v in cols.items()}), meta


def _bits_of(clk: str) -> int:
    try:
        return len(base64.b64decode(clk, validate=True)) * 8
    except ValueError:
        return 0


def read_encoded(path: Path) -> EncodedFile:
    """Read an encoded file; a file that is not one (no ``id``/``clk`` columns, bad filters) is an InputError."""
    if not path.is_file():
        raise InputError(f"{path} does not exist or is not a file")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            table = pq.read_table(path)
            raw = table.schema.metadata or {}
            meta = {
                k.decode().rsplit(".", 1)[-1]: v.decode() for k, v in raw.items() if k.startswith(b"common")
            }
        else:
            table, meta = _read_csv(path)
    except (pa.ArrowException, OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path.name} is not a readable encoded file ({str(exc)[:80]})") from None
    missing = [c for c in ("id", "clk", *BLOCK_COLUMNS) if c not in table.column_names]
    if missing:
        raise InputError(f"{path.name} is not an encoded file: no {missing[0]!r} column (write one with "
                         "`commonground encode`)")  # fmt: skip
    if table.num_rows == 0:
        raise InputError(f"{path.name} has no encoded records")
    clks = table.column("clk").to_pylist()
    bits = int(meta.get("bits") or _bits_of(clks[0] or ""))
    try:
        filters = decode_filters([c or "" for c in clks], bits)
    except ValueError as exc:
        raise InputError(f"{path.name}: {exc}") from None
    ids = [str(v) for v in table.column("id").to_pylist()]
    return EncodedFile(
        path.name, ids, filters, table.select(list(BLOCK_COLUMNS)), bits, meta.get("fingerprint")
    )
