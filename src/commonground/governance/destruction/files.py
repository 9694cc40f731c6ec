"""Removing destroyed data from a data folder — the live one or a backup's — durably (Django-free).

Both kinds of destruction work on a *data folder* laid out as ``ingest.dataplane`` describes
(``batches/<table>/org=<slug>/submission=<id>/``, ``quarantine/…``, ``inbox/<slug>/<delivery>/``,
``inbox/edfi-api/<slug>/<pull>/``, ``linkage/registry.parquet``), so the same code cleans the hub and every
backup it can reach. Every removal is followed by an fsync of the folder that held it, and a rewritten file
replaces the old one by rename after an fsync, so a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from commonground.core import sealed_files

#: (source organization slug, source person id) → True when the row must go.
RowMatch = Callable[[str, str], bool]
#: The linkage engine's record key: ``<slug>|<source person id>`` (``linkage.sources.KEY_SEP``).
KEY_SEP = "|"
#: The key family of the linkage snapshot's sealed file (``linkage.snapshot.FAMILY``).
SNAPSHOT_FAMILY = "linkage-snapshot"


def fsync_dir(folder: Path) -> None:
    """fsync a folder, so a rename or removal in it is on disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_tree(folder: Path) -> int:
    """Remove ``folder`` and everything in it, then fsync its parent; return the number of files removed."""
    if not folder.exists():
        return 0
    files = sum(1 for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(folder)
    fsync_dir(folder.parent)
    if folder.parent.name.startswith("org=") and not any(folder.parent.iterdir()):
        folder.parent.rmdir()  # an organization's folder left empty names it for nothing
        fsync_dir(folder.parent.parent)
    return files


def org_folders(data: Path, org_slug: str) -> list[Path]:
    """Every folder of ``data`` that holds only what ``org_slug`` sent: its batches, quarantine and inbox."""
    found = [
        *data.glob(f"batches/*/org={org_slug}"),
        *data.glob(f"quarantine/*/org={org_slug}"),
        data / "inbox" / org_slug,
        data / "inbox" / "edfi-api" / org_slug,
    ]
    return sorted(p for p in found if p.is_dir())


def submission_folders(data: Path, org_slug: str, submission_id: int) -> list[Path]:
    """The batch and quarantine folders of one submission."""
    pattern = f"*/org={org_slug}/submission={submission_id}"
    return sorted([*data.glob(f"batches/{pattern}"), *data.glob(f"quarantine/{pattern}")])


def inbox_deliveries(data: Path, org_slug: str) -> list[str]:
    """The inbox deliveries (folders, relative to ``data``) received from ``org_slug``."""
    roots = [data / "inbox" / org_slug, data / "inbox" / "edfi-api" / org_slug]
    return sorted(p.relative_to(data).as_posix() for root in roots if root.is_dir() for p in root.iterdir())


def parquet_files(data: Path, org_slugs: Iterable[str] | None = None) -> list[Path]:
    """The batch and quarantine Parquet files of ``data`` (only those of ``org_slugs`` when given)."""
    orgs = sorted(set(org_slugs)) if org_slugs is not None else ["*"]
    found: set[Path] = set()
    for slug in orgs:
        found.update(data.glob(f"batches/*/org={slug}/submission=*/*.parquet"))
        found.update(data.glob(f"quarantine/*/org={slug}/submission=*/*.parquet"))
    return sorted(found)


def _writer(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    # As the publisher writes (ingest.sealing): no min/max statistics of text or blobs, which would keep values.
    return pq.ParquetWriter(
        path,
        schema,
        compression="snappy",
        write_statistics=[
            f.name for f in schema if not (pa.types.is_string(f.type) or pa.types.is_binary(f.type))
        ],
    )


def replace_table(path: Path, table: pa.Table) -> None:
    """Write ``table`` over ``path`` atomically: a temporary file, fsync, rename, fsync of the folder."""
    tmp = path.with_name(f".destroying-{path.name}")
    with _writer(tmp, table.schema) as writer:
        writer.write_table(table)
    with tmp.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def row_mask(table: pa.Table, match: RowMatch) -> pa.Array | None:
    """True for the rows of ``table`` that ``match`` names (None when the table has no person columns)."""
    names = table.column_names
    if "source_org" in names and "source_person_id" in names:
        orgs = table.column("source_org").to_pylist()
        ids = table.column("source_person_id").to_pylist()
        return pa.array(
            [o is not None and p is not None and match(o, p) for o, p in zip(orgs, ids, strict=True)]
        )
    if "unique_id" in names:  # the linkage snapshot
        keys = table.column("unique_id").to_pylist()
        return pa.array([k is not None and KEY_SEP in k and match(*k.split(KEY_SEP, 1)) for k in keys])
    return None


def rewrite_without(path: Path, match: RowMatch) -> int:
    """Rewrite one Parquet file without the rows ``match`` names; return how many rows went."""
    table = pq.read_table(path)
    mask = row_mask(table, match)
    if mask is None:
        return 0
    removed = int(pc.sum(mask).as_py() or 0)
    if removed:
        replace_table(path, table.filter(pc.invert(mask)))
    return removed


def snapshot_path(data: Path) -> Path:
    """The linkage engine's prepared records (``linkage.snapshot``)."""
    return data / "linkage" / "registry.parquet"


def rewrite_snapshot(data: Path, match: RowMatch, *, live: bool) -> tuple[int, int]:
    """Take the rows ``match`` names out of the linkage snapshot; return (rows, files) removed.

    The snapshot is a sealed file (:mod:`commonground.core.sealed_files`). The live one is written again without
    the rows — under a new key, which destroys the old one, so every older copy becomes unreadable. A backup's
    copy that still opens is removed instead (it is a cache: a restored hub rebuilds it with a full link run);
    one whose key is gone holds nothing readable and is left alone.
    """
    path = snapshot_path(data)
    table = sealed_files.read(path) if path.exists() else None
    mask = row_mask(table, match) if table is not None else None
    removed = int(pc.sum(mask).as_py() or 0) if mask is not None else 0
    if table is None or mask is None or not removed:
        return 0, 0
    if live:
        sealed_files.write(path, table.filter(pc.invert(mask)), family=SNAPSHOT_FAMILY)
        return removed, 0
    path.unlink()
    fsync_dir(path.parent)
    return removed, 1
