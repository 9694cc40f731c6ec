"""The destruction ledger: every destruction, written where a restore cannot undo it (Django-free).

A restored backup holds the database and data files as they were when it was made, so on its own it would bring
destroyed rows back. The ledger is the hub's memory of what must stay destroyed: one JSON line per event in
``<keys>/destruction-ledger.jsonl``, next to the data keys — outside the database and the data folder, never in
a backup, and copied into a new home with the keys before a restore (docs/backup.md). ``restore`` replays it
(:mod:`.replay`).

Each line holds an ``entry`` (numbered ``n`` = 1, 2, …, chained to the previous line by ``prev``, its SHA-256
``hash``) and an Ed25519 ``signature`` with the audit key: a line edited, removed or reordered stops the replay
with the line's number instead of silently forgetting a destruction.

Students are named in the ledger only by keyed tokens (:func:`person_token`, HMAC-SHA256 under
``destruction-ledger.key``), never by their source ids: the ledger does not become a list of who asked.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from commonground.core import chain, keystore, signing

LEDGER_FILE = "destruction-ledger.jsonl"
TOKEN_KEY_FILE = "destruction-ledger.key"  # noqa: S105 - a file name, not a secret
GENESIS = "0" * 64


class LedgerError(RuntimeError):
    """The ledger cannot be read or trusted; the message names the line."""


def path() -> Path:
    """The ledger file."""
    return keystore.keys_dir() / LEDGER_FILE


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def token_key() -> bytes:
    """The key of the person tokens (32 random bytes, created 0600 on first use)."""
    key_file = keystore.keys_dir() / TOKEN_KEY_FILE
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32))
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(key_file.parent)
    return key_file.read_bytes()


def person_token(org_slug: str, source_person_id: str, key: bytes | None = None) -> str:
    """The keyed token of one source record (organization slug, source person id)."""
    message = f"destroyed|{org_slug}\x1f{source_person_id}".encode()
    return hmac.new(key or token_key(), message, hashlib.sha256).hexdigest()


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with (target.parent / ".destruction-ledger.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _lines() -> list[dict[str, Any]]:
    target = path()
    if not target.exists():
        return []
    out = []
    for number, raw in enumerate(target.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            out.append(json.loads(raw))
        except ValueError as exc:
            raise LedgerError(f"destruction ledger line {number} is not JSON ({exc})") from exc
    return out


def entries(public_key_hex: str | None = None) -> list[dict[str, Any]]:
    """Every entry, after checking each line's number, chain link, hash and signature."""
    lines = _lines()
    if not lines:
        return []
    public = public_key_hex or signing.public_key_hex(signing.load_or_create_key())
    prev = GENESIS
    out: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        entry = line.get("entry") or {}
        body = chain.canonical_json(entry)
        if entry.get("n") != number or entry.get("prev") != prev:
            raise LedgerError(
                f"destruction ledger line {number}: out of order, or a line before it is missing"
            )
        if hashlib.sha256(body).hexdigest() != line.get("hash"):
            raise LedgerError(f"destruction ledger line {number}: its content was changed (hash differs)")
        if not signing.verify(body, str(line.get("signature", "")), public):
            raise LedgerError(f"destruction ledger line {number}: the signature does not verify")
        prev = str(line["hash"])
        out.append(entry)
    return out


def append(record: dict[str, Any]) -> dict[str, Any]:
    """Append one signed entry (fsynced before it returns) and return it with its number."""
    key = signing.load_or_create_key()
    with _locked():
        existing = _lines()
        prev = str(existing[-1]["hash"]) if existing else GENESIS
        entry = {**record, "n": len(existing) + 1, "prev": prev}
        body = chain.canonical_json(entry)
        line = {
            "entry": entry,
            "hash": hashlib.sha256(body).hexdigest(),
            "signature": signing.sign(body, key),
        }
        target = path()
        with target.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(target.parent)
    return entry
