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

Quarantined rows (row-level errors a submission's :class:`~.models.IngestPolicy` tolerated) are published with
their batch under ``quarantine/<table>/org=<slug>/submission=<id>/`` and are never part of any current view.

**The current view** of a canonical table (:func:`current_relation`) is defined over the accepted batches in
the order they were accepted (``decided_at``, then id), per organization:

1. *Scope.* Replace tables (rosters: :data:`REPLACE_TABLES`): the organization's latest *bulk* batch of the
   table and every *delta* batch accepted after it (a submission lists its delta tables in
   ``Submission.delta_tables``: a OneRoster ``delta`` file, a fixes submission). Without a bulk batch, every
   delta batch. Append tables (events): every batch.
2. *Supersession.* Rows are matched on the table's current key (:data:`~.connectors.canonical.CURRENT_KEYS`:
   the natural key without ``source_line``). For each key, only the rows of the latest batch in scope that
   has the key are kept — so a later row replaces an earlier one, and several rows with one key inside one
   batch (two spells in a year) stay together.
3. *Tombstones.* A kept row whose ``record_status`` is ``tobedeleted`` is dropped: a tombstone removes the
   rows it names from earlier batches and is itself never visible.

Ed-Fi API pulls apply their roster changes when they pull (a delta needs the merged roster to check its
references), so they publish bulk rosters; their event tables carry ``tobedeleted`` tombstones for deleted
resources, which step 3 applies.
"""

# ruff: noqa: S608 - SQL here holds quoted file paths, integer ids and canonical column names, never input

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from commonground.ingest import sealing
from commonground.ingest.connectors import quarantine, sink
from commonground.ingest.connectors.canonical import CURRENT_KEYS, SCHEMAS, empty_table

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


#: The staging subfolder holding a submission's quarantined rows (``.quarantine/<table>/part-0.parquet``).
QUARANTINE_STAGE = quarantine.QUARANTINE_STAGE


def quarantine_dir(table: str, org_slug: str, submission_id: int) -> Path:
    """Where one submission's quarantined rows of one table live once published (never in a current view)."""
    return data_dir() / "quarantine" / table / f"org={org_slug}" / f"submission={submission_id}"


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that never downloads or loads extensions on its own.

    It can open sealed identifying columns (:mod:`.sealing`), as :func:`current_relation` needs.
    """
    con = duckdb.connect(config=dict(DUCKDB_CONFIG))
    sealing.register(con)
    return con


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
    """Rename each staged table folder into ``batches/`` (and quarantined rows into ``quarantine/``).

    Each rename is atomic; returns the folders placed. Identifying columns are sealed first if the caller did
    not (:func:`.sealing.seal_staging`): no plaintext name or birth date is ever published.
    """
    sealing.seal_staging(staging, org_slug)
    placed: list[Path] = []
    moves = [
        (folder, batch_dir(folder.name, org_slug, submission_id))
        for folder in sorted(staging.iterdir())
        if folder.is_dir() and folder.name != QUARANTINE_STAGE
    ]
    held = staging / QUARANTINE_STAGE
    if held.is_dir():
        moves += [
            (folder, quarantine_dir(folder.name, org_slug, submission_id))
            for folder in sorted(held.iterdir())
            if folder.is_dir()
        ]
    for folder, target in moves:
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
    published = [
        *(root / "batches").glob("*/org=*/submission=*"),
        *(root / "quarantine").glob("*/org=*/submission=*"),
    ]
    for folder in sorted(published):
        slug = folder.parent.name.removeprefix("org=")
        sid = folder.name.removeprefix("submission=")
        if not sid.isdigit() or (slug, int(sid)) not in keep:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@dataclass(frozen=True)
class Batch:
    """One accepted submission as the current view sees it: whose it is and which tables it carries as deltas."""

    org_slug: str
    submission_id: int
    delta_tables: frozenset[str] = frozenset()


def accepted_batches() -> list[tuple[str, int]]:
    """(organization slug, submission id) of every accepted submission, oldest decision first."""
    return [(b.org_slug, b.submission_id) for b in accepted_batch_list()]


def accepted_batch_list() -> list[Batch]:
    """Every accepted submission as a :class:`Batch`, in the order of acceptance (oldest first)."""
    from commonground.ingest.choices import SubmissionStatus
    from commonground.ingest.models import Submission

    rows = (
        Submission.objects.filter(status=SubmissionStatus.ACCEPTED)
        .order_by("decided_at", "id")
        .values_list("organization__slug", "id", "delta_tables")
    )
    return [Batch(slug, sid, frozenset(delta or ())) for slug, sid, delta in rows]


def _as_batches(accepted: Iterable[Batch | tuple[str, int]] | None) -> list[Batch]:
    if accepted is None:
        return accepted_batch_list()
    return [b if isinstance(b, Batch) else Batch(b[0], b[1]) for b in accepted]


def scope(table: str, accepted: Iterable[Batch | tuple[str, int]] | None = None) -> list[tuple[Batch, Path]]:
    """The batches (and their files) in the current view's scope for ``table``, in order of acceptance.

    Replace tables: per organization, the latest bulk batch and the delta batches after it. Append tables:
    every batch that carries the table.
    """
    if table not in SCHEMAS:
        raise KeyError(f"unknown canonical table {table!r}")
    found = [(b, batch_dir(table, b.org_slug, b.submission_id) / PART) for b in _as_batches(accepted)]
    found = [(b, path) for b, path in found if path.exists()]
    if semantics(table) == "append":
        return found
    start: dict[str, int] = {}
    for i, (b, _path) in enumerate(found):
        if table not in b.delta_tables:
            start[b.org_slug] = i  # a bulk batch: nothing of this organization before it counts
    return [(b, path) for i, (b, path) in enumerate(found) if i >= start.get(b.org_slug, 0)]


def current_files(table: str, accepted: Iterable[Batch | tuple[str, int]] | None = None) -> list[Path]:
    """The Parquet files the current view of ``table`` reads (see :func:`scope`), in order of acceptance."""
    return [path for _b, path in scope(table, accepted)]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: Rows that are not tombstones.
LIVE = "coalesce(record_status <> 'tobedeleted', true)"


def current_relation(
    con: duckdb.DuckDBPyConnection, table: str, accepted: Iterable[Batch | tuple[str, int]] | None = None
) -> Any:
    """A DuckDB relation over the current view of one canonical table (empty, with its schema, if none).

    The view is defined in this module's docstring. It reads the Parquet files in scope lazily: one batch is
    a filtered scan; several are ranked by a window over the current key (each row carries its batch's
    position in the order of acceptance), so nothing is materialised in Python.
    """
    found = scope(table, accepted)
    if not found:
        return con.from_arrow(empty_table(table))
    files = "[" + ", ".join(_literal(str(path)) for _b, path in found) + "]"
    source = f"read_parquet({files})"
    sealed = [sealing.sealed_columns(path, table) for _b, path in found]
    if any(sealed):  # identifying columns are opened file by file, before the files are combined
        sealing.ensure_registered(con)
        parts = [
            f"SELECT * FROM {sealing.relation_sql(path, table, cols)}"
            for (_b, path), cols in zip(found, sealed, strict=True)
        ]
        source = "(" + " UNION ALL BY NAME ".join(parts) + ")"
    if len(found) == 1:
        return con.sql(f"SELECT * FROM {source} WHERE {LIVE}")
    order = ", ".join(f"({_literal(str(b.submission_id))}, {i})" for i, (b, _path) in enumerate(found))
    key = ", ".join(f'r."{k}"' for k in CURRENT_KEYS[table])
    ranked = (
        f"SELECT r.*, o._cg_order FROM {source} r "
        f"JOIN (VALUES {order}) AS o(_cg_submission, _cg_order) ON r.submission_id = o._cg_submission "
        f"QUALIFY o._cg_order = max(o._cg_order) OVER (PARTITION BY {key})"
    )
    return con.sql(f"SELECT * EXCLUDE (_cg_order) FROM ({ranked}) WHERE {LIVE}")
