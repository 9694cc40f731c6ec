"""The key store: the master key and the wrapped data keys, in the hub's key folder — never in the database or in
backups (Django-free).

Layout under ``<home>/keys/`` (or ``COMMONGROUND_KEYS_DIR``)::

    master.key                 # 32 random bytes, base64; or COMMONGROUND_MASTER_KEY in the environment
    data/<key_id>.json         # {"key_id", "scope", "wrapped", "master", "created_at"}
    data/.lock                 # taken by whoever creates, destroys or re-wraps a data key
    data/.shred-<key_id>       # only between a destruction's first step and its last (see :func:`destroy`)

A data key serves one *scope* (e.g. ``org:eastside-usd``: the records one source sent). Destroying the scope's
key (:func:`destroy`) is crypto-shredding: the file is overwritten and removed, and because neither the database
nor any backup ever held the key, every copy of the ciphertext — live or backed up — becomes unreadable at once.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from commonground.core import envelope
from commonground.home import hub_home

MASTER_ENV_VAR = "COMMONGROUND_MASTER_KEY"
KEYS_DIR_ENV_VAR = "COMMONGROUND_KEYS_DIR"


class MissingKeyError(LookupError):
    """A key the hub needs is missing or was destroyed."""


def keys_dir() -> Path:
    """The key folder."""
    configured = os.environ.get(KEYS_DIR_ENV_VAR)
    return Path(configured) if configured else hub_home() / "keys"


def _write_private(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write ``path`` whole (readable by the owner only); with ``replace=False`` only if it does not exist."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # fails when another process made it first: theirs stands, for everyone
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _decode(raw: bytes | str, where: str) -> bytes:
    key = base64.b64decode(raw)
    if len(key) != envelope.KEY_BYTES:
        raise ValueError(f"the master key in {where} must be {envelope.KEY_BYTES} bytes, base64-encoded")
    return key


def master_key() -> bytes:
    """The master key: from the environment, else the key file (created on first use)."""
    configured = os.environ.get(MASTER_ENV_VAR)
    if configured:
        return _decode(configured, MASTER_ENV_VAR)
    path = keys_dir() / "master.key"
    if not path.exists():
        _write_private(path, base64.b64encode(envelope.new_key()) + b"\n", replace=False)
    return _decode(path.read_bytes().strip(), str(path))


def _masters() -> dict[str, bytes]:
    """Every master key at hand by fingerprint: the current one and, during a rotation, the next one."""
    keys = [master_key()]
    pending = keys_dir() / "master.key.next"
    if pending.exists():
        keys.append(_decode(pending.read_bytes().strip(), str(pending)))
    return {envelope.key_fingerprint(k): k for k in keys}


def _unwrap(record: dict[str, str]) -> bytes:
    master = _masters().get(record["master"])
    if master is None:
        # A rotation may have finished between this process's read of the record and of the master keys:
        # read both again, once (the rotation swaps ``master.key`` last, so the second read agrees).
        fresh = _load(_path(record["key_id"]))
        master = _masters().get(fresh["master"]) if fresh is not None else None
        if fresh is None or master is None:
            raise MissingKeyError(
                f"data key {record['key_id']} was wrapped by a master key this hub does not have"
            )
        record = fresh
    return envelope.unwrap(master, base64.b64decode(record["wrapped"]), record["key_id"])


@dataclass(frozen=True)
class DataKey:
    """One unwrapped data key, for one scope."""

    key_id: str
    scope: str
    key: bytes


def _path(key_id: str) -> Path:
    return keys_dir() / "data" / f"{key_id}.json"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """Hold the key folder's lock: one process at a time creates, destroys or re-wraps data keys.

    Readers take no lock: every change they can meet is a whole file replaced or renamed away.
    """
    folder = keys_dir() / "data"
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _load(path: Path) -> dict[str, str] | None:
    """The record in ``path``; None when a destruction took it away while it was being read."""
    try:
        raw = path.read_bytes()
        return dict(json.loads(raw.decode("utf-8")))
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError) as exc:
        # A destruction renames the file away before overwriting it; a reader that opened it just before
        # may read the random bytes. The file is gone then, and so is the key: not an error.
        if not path.exists():
            return None
        raise ValueError(f"{path} is not a data key record (damaged?): {exc}") from exc


def _finish_shredding(folder: Path) -> None:
    """Complete destructions that a crash interrupted after their first step (see :func:`destroy`)."""
    for path in sorted(folder.glob(".shred-*")):
        _shred(path)


def _shred(path: Path) -> None:
    try:
        with path.open("r+b") as fh:
            fh.write(os.urandom(max(path.stat().st_size, 1)))
            fh.flush()
            os.fsync(fh.fileno())
        path.unlink()
    except FileNotFoundError:
        pass


def _scan(folder: Path) -> list[dict[str, str]]:
    loaded = (_load(p) for p in sorted(folder.glob("*.json")))
    return [record for record in loaded if record is not None]


def _records() -> list[dict[str, str]]:
    """Every data key record (outside the lock: a caller holding it uses :func:`_scan`)."""
    folder = keys_dir() / "data"
    if not folder.exists():
        return []
    if any(folder.glob(".shred-*")):
        with _locked():
            _finish_shredding(folder)
    return _scan(folder)


def key_for(scope: str, *, create: bool = True) -> DataKey:
    """The data key of ``scope`` (a new one when the scope has none and ``create``)."""
    for record in _records():
        if record["scope"] == scope:
            return DataKey(record["key_id"], scope, _unwrap(record))
    master = master_key()
    if not create:
        raise MissingKeyError(f"no data key for {scope!r} (never made, or destroyed)")
    with _locked():
        # Another process may have made the scope's key since the look above: one scope, one key, or a
        # destruction of the scope would leave the other key (and what it encrypted) readable.
        for record in _scan(keys_dir() / "data"):
            if record["scope"] == scope:
                return DataKey(record["key_id"], scope, _unwrap(record))
        return _create(scope, master)


def _create(scope: str, master: bytes) -> DataKey:
    key_id = uuid.uuid4().hex
    data_key = envelope.new_key()
    record = {
        "key_id": key_id,
        "scope": scope,
        "wrapped": base64.b64encode(envelope.wrap(master, data_key, key_id)).decode(),
        "master": envelope.key_fingerprint(master),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    _write_private(_path(key_id), json.dumps(record).encode())
    return DataKey(key_id, scope, data_key)


def key_by_id(key_id: str) -> DataKey:
    """A data key by its id; :class:`MissingKeyError` once it was destroyed."""
    record = _load(_path(key_id))
    if record is None:
        raise MissingKeyError(f"data key {key_id} does not exist (destroyed?)")
    return DataKey(key_id, record["scope"], _unwrap(record))


def scopes() -> dict[str, str]:
    """scope → key id of every live data key."""
    return {r["scope"]: r["key_id"] for r in _records()}


def destroy(scope: str) -> str | None:
    """Crypto-shred the scope's data key; return its id (None when the scope has none).

    Crash-safe and safe beside readers: the key file is first renamed out of the records (``.shred-<id>``, one
    atomic step — from then on no process finds the key), then overwritten with random bytes, fsynced and
    removed. A crash between the steps leaves a ``.shred-`` file, which the next use of the key store
    finishes. Every key of the scope goes (a hub written by an older version could hold two).
    """
    with _locked():
        folder = keys_dir() / "data"
        _finish_shredding(folder)
        destroyed = [r["key_id"] for r in _scan(folder) if r["scope"] == scope]
        for key_id in destroyed:
            doomed = folder / f".shred-{key_id}"
            try:
                os.replace(_path(key_id), doomed)
            except FileNotFoundError:
                continue
            _shred(doomed)
    return destroyed[0] if destroyed else None


def rotate_master() -> int:
    """Make a new master key and re-wrap every data key under it (values are not touched); return the count.

    Crash-safe: the new key is written to ``master.key.next`` first, data keys are re-wrapped one by one (each
    record names the master that wrapped it, and both masters are usable meanwhile), then the new key replaces
    ``master.key``. Not available when the master key comes from the environment: rotate it there instead.
    """
    if os.environ.get(MASTER_ENV_VAR):
        raise ValueError(f"the master key comes from {MASTER_ENV_VAR}; rotate it where that value is kept")
    master_key()  # make sure a current one exists
    pending = keys_dir() / "master.key.next"
    # Under the lock: a key destroyed meanwhile must not be written back re-wrapped.
    with _locked():
        if not pending.exists():
            _write_private(pending, base64.b64encode(envelope.new_key()) + b"\n")
        new_master = _decode(pending.read_bytes().strip(), str(pending))
        count = 0
        _finish_shredding(keys_dir() / "data")
        for record in _scan(keys_dir() / "data"):
            data_key = _unwrap(record)
            record["wrapped"] = base64.b64encode(
                envelope.wrap(new_master, data_key, record["key_id"])
            ).decode()
            record["master"] = envelope.key_fingerprint(new_master)
            _write_private(_path(record["key_id"]), json.dumps(record).encode())
            count += 1
        os.replace(pending, keys_dir() / "master.key")
    return count
