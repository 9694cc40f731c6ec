"""The registry's prepared records, kept between runs so an incremental run need not prepare everyone again.

One Parquet file under the data folder (``linkage/registry.parquet``) with the engine's model columns for
every record in the registry, replaced atomically (write, fsync, rename) by each run. It holds normalised
personal data, so it lives with the data plane's batches under the same protection, and only linkage jobs
read it (inside ``system_read``). It is encrypted whole under a key of its own that each write replaces
(:mod:`commonground.core.sealed_files`): an older copy (in a backup) cannot be read once a newer one is
written, and then counts as no snapshot at all (run a full ``commonground link``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from commonground.core import sealed_files
from commonground.ingest import dataplane

#: The key family of the snapshot's encryption (one live key; each write makes a new one).
FAMILY = "linkage-snapshot"


def path() -> Path:
    """Where the snapshot lives."""
    return dataplane.data_dir() / "linkage" / "registry.parquet"


def write(table: pa.Table) -> None:
    """Replace the snapshot with ``table`` (prepared records)."""
    sealed_files.write(path(), table, family=FAMILY)


def read(without: Iterable[str] = ()) -> pa.Table | None:
    """The snapshot minus the records ``without`` (keys); None when there is none yet."""
    target = path()
    if not target.exists():
        return None
    if sealed_files.is_sealed(target):
        table = sealed_files.read(target)
        if table is None:  # its key was replaced or destroyed: as if there were no snapshot
            return None
    else:
        table = pq.read_table(target)  # written before snapshots were sealed; the next write seals it
    drop = pa.array(sorted(set(without)), pa.string())
    if len(drop):
        table = table.filter(pc.invert(pc.is_in(table.column("unique_id"), value_set=drop)))
    return table
