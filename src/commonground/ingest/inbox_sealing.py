"""Raw files kept in the inbox, encrypted whole at rest under the sending organization's data key (Django-free).

Files partners send (the upload page, the API push, Ed-Fi API pulls) are kept in the inbox as the record of what
was received. Once ``do_ingest`` has read them they are sealed here: AES-256-GCM (:mod:`commonground.core.envelope`)
under the data key of scope ``org:<slug>`` (:func:`commonground.ingest.sealing.scope`), the same key that seals
the organization's published rows — so destroying it (crypto-shredding) makes every inbox copy, in the hub and in
every backup, unreadable at once.

Layout of a sealed file (same name as the file as sent)::

    MAGIC || key id (16 bytes) || len(context) (2 bytes) || context (UTF-8: "<org>/<delivery>/<name>")
          || chunk*  where chunk = len(blob) (4 bytes, big endian) || envelope blob

The file is cut into :data:`CHUNK` byte pieces so a 2 GB upload never sits whole in memory (and stays under the
AES-GCM single-message limit). Each piece is one envelope blob (fresh 96-bit nonce) whose associated data binds
the organization, delivery folder and file name, the key id, the piece's number and whether it is the last one:
a piece moved, dropped, repeated or cut off, a file moved to another organization's or delivery's folder, or a
changed header all fail to decrypt. The context is stored in the clear (it is the file's path, no personal data)
and checked against where the file lies (:func:`read_chunks`).

The SHA-256 recorded for a submission's file stays the hash of the bytes as sent (provenance); the reader gives
those bytes back (:func:`read_bytes`, :func:`read_chunks`), the only way code reads an inbox file.
"""

from __future__ import annotations

import io
import os
import struct
import uuid
from collections.abc import Iterator
from pathlib import Path

from commonground.core import envelope, keystore

MAGIC = b"CGINBOX1\n"
#: Plaintext bytes per encrypted piece.
CHUNK = 4 * 1024 * 1024
_ID = 16
_LEN = struct.Struct(">I")
_CTX = struct.Struct(">H")


class InboxSealError(ValueError):
    """An inbox file that cannot be opened: its key was destroyed, or it was moved or changed."""


def _scope(org_slug: str) -> str:
    # The same scope as the organization's published rows (ingest.sealing.scope), without importing DuckDB here.
    return f"org:{org_slug}"


def _context(org_slug: str, delivery: str, name: str) -> str:
    for part, what in ((org_slug, "organization"), (delivery, "delivery folder")):
        if not part or "/" in part:
            raise ValueError(f"inbox {what} {part!r} must be one non-empty path segment")
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise ValueError(f"inbox file name {name!r} must be a relative path inside its delivery")
    return f"{org_slug}/{delivery}/{name}"


def _aad(context: str, key_id: str, index: int, last: bool) -> bytes:
    return envelope.aad("inbox", context, f"{key_id}|{index}|{'last' if last else 'more'}")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pieces(source: Path | bytes) -> Iterator[tuple[bytes, bool]]:
    """(piece, is_last) of a file or of bytes in memory; an empty input is one empty last piece."""
    if isinstance(source, bytes):
        view = memoryview(source)
        starts = range(0, max(len(source), 1), CHUNK)
        for start in starts:
            yield bytes(view[start : start + CHUNK]), start + CHUNK >= len(source)
        return
    with source.open("rb") as fh:
        piece = fh.read(CHUNK)
        while True:
            following = fh.read(CHUNK) if piece else b""
            yield piece, not following
            if not following:
                return
            piece = following


def _write(target: Path, source: Path | bytes, org_slug: str, delivery: str, name: str) -> None:
    context = _context(org_slug, delivery, name).encode()
    key = keystore.key_for(_scope(org_slug))
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.sealing")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + bytes.fromhex(key.key_id) + _CTX.pack(len(context)) + context)
            for index, (piece, last) in enumerate(_pieces(source)):
                blob = envelope.encrypt(key.key, piece, _aad(context.decode(), key.key_id, index, last))
                out.write(_LEN.pack(len(blob)) + blob)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)  # the plain file, if any, is gone from the folder with this rename
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def write_sealed(target: Path, data: bytes, *, org_slug: str, delivery: str, name: str) -> None:
    """Write ``data`` to ``target`` sealed (never in plaintext on disk): for files received in memory."""
    _write(target, data, org_slug, delivery, name)


def seal_file(path: Path, *, org_slug: str, delivery: str, name: str) -> bool:
    """Seal one file as sent in place: sealed copy written and fsynced, renamed over the plain one, folder fsynced.

    Returns False when the file was sealed already (sealing twice is harmless).
    """
    if is_sealed(path):
        return False
    _write(path, path, org_slug, delivery, name)
    return True


def seal_delivery(folder: Path, org_slug: str) -> int:
    """Seal every file of one delivery folder (extracted zip members included); return how many were sealed."""
    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".sealing")):
        name = path.relative_to(folder).as_posix()
        count += seal_file(path, org_slug=org_slug, delivery=folder.name, name=name)
    return count


def is_sealed(path: Path) -> bool:
    """True when ``path`` is a sealed inbox file (its first bytes say so)."""
    with path.open("rb") as fh:
        return fh.read(len(MAGIC)) == MAGIC


def _header(fh: io.BufferedReader, path: Path) -> tuple[str, str]:
    head = fh.read(len(MAGIC) + _ID + _CTX.size)
    if len(head) < len(MAGIC) + _ID + _CTX.size or not head.startswith(MAGIC):
        raise InboxSealError(f"{path}: not a sealed inbox file (its header is missing or cut off)")
    key_id = head[len(MAGIC) : len(MAGIC) + _ID].hex()
    (size,) = _CTX.unpack(head[-_CTX.size :])
    context = fh.read(size)
    if len(context) < size:
        raise InboxSealError(f"{path}: not a sealed inbox file (its header is missing or cut off)")
    return key_id, context.decode("utf-8", "replace")


def _check_place(path: Path, context: str) -> None:
    expected = tuple(context.split("/"))
    if path.parts[-len(expected) :] != expected:
        raise InboxSealError(
            f"{path}: sealed for {context!r}, which is not where it lies (moved or copied from another delivery)"
        )


def read_chunks(path: Path) -> Iterator[bytes]:
    """The bytes of an inbox file as sent, piece by piece — decrypted when sealed, as they are when not.

    Raises :class:`InboxSealError` when the organization's key was destroyed (crypto-shredded), or the file was
    moved, cut off or changed.
    """
    if not is_sealed(path):  # received before sealing existed, or sealing switched off
        with path.open("rb") as fh:
            while piece := fh.read(CHUNK):
                yield piece
        return
    with path.open("rb") as fh:
        key_id, context = _header(fh, path)
        _check_place(path, context)
        try:
            key = keystore.key_by_id(key_id)
        except keystore.MissingKeyError as exc:
            raise InboxSealError(f"{path}: its organization's data key is gone (destroyed): {exc}") from exc
        index, last = 0, False
        while not last:
            raw = fh.read(_LEN.size)
            if len(raw) < _LEN.size:
                raise InboxSealError(f"{path}: cut off after piece {index} (the last piece is missing)")
            blob = fh.read(_LEN.unpack(raw)[0])
            last = not fh.peek(1)  # the last piece is the one the file ends with
            try:
                yield envelope.decrypt(key.key, blob, _aad(context, key_id, index, last))
            except envelope.DecryptionError as exc:
                raise InboxSealError(
                    f"{path}: piece {index} does not decrypt ({exc}): changed or cut off"
                ) from exc
            index += 1


def read_bytes(path: Path) -> bytes:
    """The whole content of an inbox file as sent (see :func:`read_chunks`)."""
    return b"".join(read_chunks(path))


__all__ = [
    "CHUNK",
    "MAGIC",
    "InboxSealError",
    "is_sealed",
    "read_bytes",
    "read_chunks",
    "seal_delivery",
    "seal_file",
    "write_sealed",
]
