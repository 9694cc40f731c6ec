"""The data plane: accepted submissions as immutable Parquet batches, read through DuckDB.

Layout under the data folder (``settings.COMMONGROUND_DATA_DIR``)::

    batches/<table>/org=<slug>/submission=<id>/part-0.parquet
    .staging/<uuid>/<table>/part-0.parquet      # being written and validated; never read by anyone else
    .ingest.lock                                 # one publisher (or recoverer) at a time

A submission is parsed straight into its staging folder (:func:`staging_area`, which holds a lock on the folder
for as long as the ingest runs, so a concurrent :func:`recover` leaves it alone while a dead process's folder
is removed). Publishing is fsync → rename; the batches become *visible* only when the manifest row turns
``accepted`` (the caller commits it with its audit row). Readers therefore never look at folders, only at the
manifest: a folder without an accepted row is invisible, and :func:`recover` removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from commonground.ingest.connectors import sink
from commonground.ingest.connectors.canonical import SCHEMAS, empty_table

#: Tables whose latest accepted batch per organization is the current one (rosters and other snapshots).
REPLACE_TABLES = frozenset({"person", "school", "enrollment", "organization", "attendance_summary"})
#: Tables whose accepted batches add up (events).
APPEND_TABLES = frozenset(SCHEMAS) - REPLACE_TABLES

PART = sink.PART  # the one file per table that a ParquetSink writes
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


def data_dir() -> Path:
    """The hub's data folder (created on first use)."""
    path = Path(settings.COMMONGROUND_DATA_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def semantics(table: str) -> str:
    """``"replace"`` or ``"append"`` for a canonical table."""
    return "replace" if table in REPLACE_TABLES else "append"


def batch_dir(table: str, org_slug: str, submission_id: int) -> Path:
    """Where one submission's batch of one table lives once published."""
    return data_dir() / "batches" / table / f"org={org_slug}" / f"submission={submission_id}"


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that never downloads or loads extensions on its own."""
    return duckdb.connect(config=dict(DUCKDB_CONFIG))


@contextlib.contextmanager
def publish_lock() -> Iterator[None]:
    """Hold the data folder's exclusive lock: one publisher or recoverer at a time on this host."""
    with (data_dir() / ".ingest.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def staging_area() -> Iterator[Path]:
    """A fresh staging folder, locked while the block runs and removed at its end unless moved into place.

    The lock is an ``flock`` on the folder itself: it dies with the process, so :func:`recover` can tell a
    folder being written (locked) from one left by a killed ingest (unlocked).
    """
    root = data_dir() / ".staging"
    root.mkdir(parents=True, exist_ok=True)
    while True:
        folder = root / uuid.uuid4().hex
        folder.mkdir()
        fd = os.open(folder, os.O_RDONLY)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:  # a recoverer may have removed it between mkdir and flock
            break
        os.close(fd)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def _claim(folder: Path) -> int | None:
    """The locked descriptor of a staging folder no live ingest holds, or None when one does.

    The caller removes the folder while holding the lock, so an ingest that has just created it (and not yet
    locked it) finds it gone once it gets the lock, and starts over with a new folder.
    """
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def sync_tree(folder: Path) -> None:
    """fsync every file and folder under ``folder`` (and the folder itself), so a rename publishes data on disk."""
    for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_file():
            with path.open("rb") as fh:
                os.fsync(fh.fileno())
        else:
            _fsync_dir(path)
    _fsync_dir(folder)


def move_into_place(staging: Path, org_slug: str, submission_id: int) -> list[Path]:
    """Rename each staged table folder into ``batches/`` (atomic per folder); return the batch folders."""
    placed: list[Path] = []
    for folder in sorted(p for p in staging.iterdir() if p.is_dir()):
        target = batch_dir(folder.name, org_slug, submission_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():  # left by an earlier crash with the same id; never an accepted batch
            shutil.rmtree(target)
        os.rename(folder, target)
        _fsync_dir(target.parent)
        placed.append(target)
    shutil.rmtree(staging)
    return placed


def recover(accepted: Iterable[tuple[str, int]] | None = None) -> list[Path]:
    """Remove staging folders and every batch folder without an accepted submission; return what was removed.

    Staging folders a live ingest holds (see :func:`staging_area`) are left alone. ``accepted`` is the set of (organization slug, submission id) pairs the manifest lists as accepted;
    by default it is read from the database. Call it with :func:`publish_lock` held (``do_ingest`` does).
    """
    keep = set(accepted_batches() if accepted is None else accepted)
    root = data_dir()
    removed: list[Path] = []
    staging_root = root / ".staging"
    if staging_root.exists():
        for folder in staging_root.iterdir():
            if not folder.is_dir():
                folder.unlink(missing_ok=True)
                removed.append(folder)
                continue
            fd = _claim(folder)
            if fd is None:
                continue  # a live ingest is writing it
            try:
                shutil.rmtree(folder, ignore_errors=True)
            finally:
                os.close(fd)
            removed.append(folder)
    for folder in sorted((root / "batches").glob("*/org=*/submission=*")):
        slug = folder.parent.name.removeprefix("org=")
        sid = folder.name.removeprefix("submission=")
        if not sid.isdigit() or (slug, int(sid)) not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def accepted_batches() -> list[tuple[str, int]]:
    """(organization slug, submission id) of every accepted submission, oldest decision first."""
    from commonground.ingest.choices import SubmissionStatus
    from commonground.ingest.models import Submission

    rows = (
        Submission.objects.filter(status=SubmissionStatus.ACCEPTED)
        .order_by("decided_at", "id")
        .values_list("organization__slug", "id")
    )
    return [(slug, sid) for slug, sid in rows]


def current_files(table: str, accepted: Iterable[tuple[str, int]] | None = None) -> list[Path]:
    """The Parquet files that make up the current view of ``table``.

    Replace-semantics tables: the latest accepted batch per organization that carries the table.
    Append-semantics tables: every accepted batch.
    """
    if table not in SCHEMAS:
        raise KeyError(f"unknown canonical table {table!r}")
    batches = list(accepted_batches() if accepted is None else accepted)
    files = [(slug, batch_dir(table, slug, sid) / PART) for slug, sid in batches]
    files = [(slug, path) for slug, path in files if path.exists()]
    if semantics(table) == "replace":
        latest: dict[str, Path] = {}
        for slug, path in files:  # oldest first, so the last one wins
            latest[slug] = path
        return sorted(latest.values())
    return [path for _slug, path in files]


def current_relation(
    con: duckdb.DuckDBPyConnection, table: str, accepted: Iterable[tuple[str, int]] | None = None
) -> Any:
    """A DuckDB relation over the current view of one canonical table (empty, with its schema, if none)."""
    files = current_files(table, accepted)
    if not files:
        return con.from_arrow(empty_table(table))
    return con.read_parquet([str(f) for f in files])
