"""Backups of a hub: a consistent copy of the control-plane database and the data folder, with a signed manifest.

A backup folder holds ``database.sqlite3`` (SQLite's online backup API: consistent while the hub runs) or
``database.pgdump`` (``pg_dump --format=custom``), ``data/`` (accepted batches, inbox files, quarantine — not the
staging area), and ``manifest.json``: every file's size and SHA-256, the audit chain's head at backup time and the
accepted submissions, signed with the hub's audit key (``manifest.sig``).

Keys are NOT in backups (``<home>/keys`` and ``COMMONGROUND_AUDIT_KEY_FILE``): keep them apart, so that losing a
backup medium does not hand over the keys with it, and so that destroying a key (crypto-shredding) reaches every
backup at once. :func:`restore` checks the signature and every hash before it writes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commonground.core import chain, signing

FORMAT = "commonground-backup/1"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
_SKIP = {".staging", ".ingest.lock"}


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why and what to do."""


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_data(src: Path, dst: Path) -> None:
    if not src.exists():
        dst.mkdir(parents=True, exist_ok=True)
        return
    shutil.copytree(src, dst, ignore=lambda _d, names: [n for n in names if n in _SKIP])


def _pg_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise BackupError("DATABASE_URL does not name a PostgreSQL database")
    return url


def _run(cmd: list[str]) -> None:
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True)  # noqa: S603 - fixed programs, our arguments
    except FileNotFoundError as exc:
        raise BackupError(f"{cmd[0]} is not installed; install PostgreSQL's client programs") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{cmd[0]} failed: {exc.stderr.strip()[:500]}") from exc


def _files(root: Path) -> list[dict[str, Any]]:
    return [
        {"path": p.relative_to(root).as_posix(), "size": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in {"manifest.json", "manifest.sig"}
    ]


def make_backup(
    out: Path, *, engine: str, database: str, data_dir: Path, audit_head: tuple[int, str], accepted: list[int]
) -> dict[str, Any]:
    """Write a backup into the new folder ``out``; return its manifest. ``database`` is the SQLite file path
    (engine ``sqlite``) or ignored for PostgreSQL (``DATABASE_URL`` is dumped)."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty; choose a new folder for the backup")
    out.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        with sqlite3.connect(database) as source, sqlite3.connect(out / SQLITE_FILE) as target:
            source.backup(target)
        sqlite3.connect(out / SQLITE_FILE).close()
    else:
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--dbname={_pg_url()}",
                f"--file={out / PG_FILE}",
            ]
        )
    _copy_data(data_dir, out / "data")
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": engine,
        "audit": {"size": audit_head[0], "head_hash": audit_head[1]},
        "accepted_submissions": accepted,
        "files": _files(out),
    }
    key = signing.load_or_create_key()
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    signature = {
        "public_key": signing.public_key_hex(key),
        "signature": signing.sign(chain.canonical_json(manifest), key),
    }
    (out / "manifest.sig").write_text(json.dumps(signature, indent=2), encoding="utf-8")
    return manifest


@dataclass(frozen=True)
class CheckedBackup:
    """A backup whose signature and every file hash were verified."""

    folder: Path
    manifest: dict[str, Any]


def check_backup(folder: Path, public_key_hex: str | None = None) -> CheckedBackup:
    """Verify the manifest's signature and every listed file (and that no file was added); raise on any problem."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        sig = json.loads((folder / "manifest.sig").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a readable Common Ground backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: unknown backup format {manifest.get('format')!r}")
    if public_key_hex is None:
        if not signing.key_path().exists():
            raise BackupError(
                f"no audit key at {signing.key_path()}: copy the keys folder from your key backup into this hub's "
                "home first, or give --public-key"
            )
        public_key_hex = signing.public_key_hex(signing.load_or_create_key())
    if not signing.verify(chain.canonical_json(manifest), sig.get("signature", ""), public_key_hex):
        raise BackupError(
            f"{folder}: the manifest's signature does not verify with this hub's audit key (was the backup or its "
            "manifest changed, or is this another hub's key?)"
        )
    listed = {f["path"]: f for f in manifest["files"]}
    present = {f["path"] for f in _files(folder)}
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"{folder}: files not in the manifest: {', '.join(extra[:5])}")
    for path, entry in listed.items():
        file = folder / path
        if not file.is_file():
            raise BackupError(f"{folder}: {path} is missing")
        if file.stat().st_size != entry["size"] or sha256(file) != entry["sha256"]:
            raise BackupError(f"{folder}: {path} was changed since the backup (SHA-256 differs)")
    return CheckedBackup(folder, manifest)


def restore_files(checked: CheckedBackup, *, engine: str, database: str, data_dir: Path) -> None:
    """Put a checked backup's database and data folder in place (the target must be empty or forced by caller)."""
    folder, manifest = checked.folder, checked.manifest
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of a {manifest['engine']} hub; this hub uses {engine}")
    if engine == "sqlite":
        target = Path(database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(folder / SQLITE_FILE) as source, sqlite3.connect(target) as dest:
            source.backup(dest)
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                f"--dbname={_pg_url()}",
                str(folder / PG_FILE),
            ]
        )
    if data_dir.exists():
        shutil.rmtree(data_dir)
    shutil.copytree(folder / "data", data_dir)
