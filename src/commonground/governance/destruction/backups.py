"""Destruction in the backups the hub can reach, and the "latest backup" the verification reads (Django-free).

Backups on other media cannot be reached; for them the destroyed keys (crypto-shredding) make every sealed
value unreadable, and the destruction ledger makes a restore re-apply the destruction. Backups on this machine
(``<home>/backups/*`` and the folders ``commonground backup --out`` wrote, as the audit log names them) are also
purged: the destroyed files and rows are removed from their ``data/`` folder and the manifest is rewritten —
every file's new SHA-256, the submissions that are gone, and which destruction did it — and signed again with
the audit key, so ``restore`` still checks every byte. Their database copy is left as it is: ``restore`` replays
the ledger on it (:mod:`.replay`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from commonground.core import chain, signing
from commonground.core.backup import FORMAT, sha256
from commonground.governance.destruction.files import fsync_dir

PURGED_KEY = "destructions"


@dataclass
class Purge:
    """What a purge removed from one backup."""

    folder: str
    files: int = 0
    rows: int = 0
    submissions: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """For the certificate."""
        return {
            "folder": self.folder,
            "files": self.files,
            "rows": self.rows,
            "submissions": self.submissions,
        }


def _manifest(folder: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def reachable(home: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """Backup folders on this machine, oldest first (by the manifest's time of creation)."""
    candidates = {p.parent.resolve() for p in (home / "backups").glob("*/manifest.json")}
    candidates |= {Path(p).resolve() for p in extra if (Path(p) / "manifest.json").is_file()}
    found = [(m["created_at"], str(p), p) for p in candidates if (m := _manifest(p)) is not None]
    return [p for _at, _name, p in sorted(found)]


def resign(folder: Path, *, gone: Iterable[int], destruction_id: str) -> None:
    """Rewrite a purged backup's manifest (file list, accepted submissions, purge note) and sign it again."""
    manifest = _manifest(folder)
    if manifest is None:
        raise ValueError(f"{folder} is not a Common Ground backup")
    removed = set(gone)
    manifest["accepted_submissions"] = [s for s in manifest["accepted_submissions"] if s not in removed]
    manifest["files"] = [
        {"path": p.relative_to(folder).as_posix(), "size": p.stat().st_size, "sha256": sha256(p)}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in {"manifest.json", "manifest.sig"}
    ]
    manifest[PURGED_KEY] = [*manifest.get(PURGED_KEY, []), destruction_id]
    key = signing.load_or_create_key()
    signature = {
        "public_key": signing.public_key_hex(key),
        "signature": signing.sign(chain.canonical_json(manifest), key),
    }
    _atomic_text(folder / "manifest.json", json.dumps(manifest, indent=2))
    _atomic_text(folder / "manifest.sig", json.dumps(signature, indent=2))


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def purge_all(
    home: Path, extra: Iterable[Path], apply: Callable[[Path, Purge], None], *, destruction_id: str
) -> list[Purge]:
    """Run ``apply(data_folder, purge)`` on every reachable backup, then re-sign those it changed."""
    done = []
    for folder in reachable(home, extra):
        purge = Purge(folder=str(folder))
        apply(folder / "data", purge)
        if purge.files or purge.rows or purge.submissions:
            resign(folder, gone=purge.submissions, destruction_id=destruction_id)
        done.append(purge)
    return done
