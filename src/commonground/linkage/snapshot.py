"""The registry's prepared records, kept between runs so an incremental run need not prepare everyone again.

One Parquet file under the data folder (``linkage/registry.parquet``) with the engine's model columns for
every record in the registry, replaced atomically (write, fsync, rename) by each run. It holds normalised
personal data, so it lives with the data plane's batches under the same protection, and only linkage jobs
read it (inside ``system_read``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from commonground.ingest import dataplane


def path() -> Path:
    """Where the snapshot lives."""
    return dataplane.data_dir() / "linkage" / "registry.parquet"


def write(table: pa.Table) -> None:
    """Replace the snapshot with ``table`` (prepared records)."""
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)


def read(without: Iterable[str] = ()) -> pa.Table | None:
    """The snapshot minus the records ``without`` (keys); None when there is none yet."""
    target = path()
    if not target.exists():
        return None
    table = pq.read_table(target)
    drop = pa.array(sorted(set(without)), pa.string())
    if len(drop):
        table = table.filter(pc.invert(pc.is_in(table.column("unique_id"), value_set=drop)))
    return table
