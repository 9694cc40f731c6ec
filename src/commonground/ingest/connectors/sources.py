"""Where a submission's files come from: a folder, a list of files, or a zip — opened safely.

Zip safety: member names with ``..``, absolute paths or drive letters, symlinks, too many members, and zip bombs
(declared sizes over the limits, suspicious compression ratios, and actual decompressed bytes counted while
reading) are refused with a :class:`SourceError`, never extracted to disk.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

GiB = 1024**3


class SourceError(Exception):
    """A container (zip) that must not be read; ``code`` is the report code, ``member`` the offending name."""

    def __init__(self, code: str, message: str, member: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.member = member


@dataclass(frozen=True)
class ZipLimits:
    """Bounds on what a zip may contain. Ratios are only checked on members bigger than ``ratio_min_bytes``."""

    max_members: int = 10_000
    max_total_bytes: int = 2 * GiB
    max_member_bytes: int = 2 * GiB
    max_ratio: float = 100.0
    ratio_min_bytes: int = 1024 * 1024


class _CountingReader(io.RawIOBase):
    """Reads a zip member and stops with a :class:`SourceError` when more bytes come out than allowed."""

    def __init__(self, inner: IO[bytes], name: str, limit: int, budget: list[int]) -> None:
        self._inner = inner
        self._name = name
        self._limit = limit
        self._read = 0
        self._budget = budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._inner.read(len(buffer))
        except zipfile.BadZipFile as exc:
            raise SourceError("bad-zip", f"the zip member cannot be read: {exc}", self._name) from exc
        except (EOFError, OSError) as exc:
            raise SourceError("bad-zip", f"the zip member is truncated: {exc}", self._name) from exc
        n = len(data)
        self._read += n
        self._budget[0] -= n
        if self._read > self._limit or self._budget[0] < 0:
            raise SourceError(
                "zip-bomb", "decompressed data exceeds its declared size or the total limit", self._name
            )
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


class Source:
    """A set of named input files. ``names`` are paths relative to the source, with ``/`` separators."""

    label: str

    @property
    def names(self) -> list[str]:
        """The file names, relative, sorted."""
        raise NotImplementedError

    def open(self, name: str) -> BinaryIO:
        """A binary stream of one file (buffered; supports ``peek``)."""
        raise NotImplementedError

    def find(self, basename: str) -> str | None:
        """The one name whose last part equals ``basename`` ignoring case (shallowest wins)."""
        matches = [n for n in self.names if PurePosixPath(n).name.lower() == basename.lower()]
        return min(matches, key=lambda n: (n.count("/"), n)) if matches else None

    def close(self) -> None:
        """Release the container."""


class FolderSource(Source):
    """The regular files directly in a folder (not recursing, not following symlinks out of it)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.label = folder.name
        self._names = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink())

    @property
    def names(self) -> list[str]:
        return self._names

    def open(self, name: str) -> BinaryIO:
        return (self.folder / name).open("rb")


class FilesSource(Source):
    """An explicit list of files (named by their base names)."""

    def __init__(self, paths: list[Path]) -> None:
        self._paths = {p.name: p for p in paths}
        self.label = ", ".join(sorted(self._paths))

    @property
    def names(self) -> list[str]:
        return sorted(self._paths)

    def open(self, name: str) -> BinaryIO:
        return self._paths[name].open("rb")


def _unsafe_name(name: str) -> str | None:
    """Why a zip member name is unsafe, or None."""
    if "\x00" in name:
        return "a NUL byte in the name"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return "an absolute path"
    if any(part == ".." for part in posix.split("/")):
        return "a parent-directory (..) component"
    return None


class ZipSource(Source):
    """The files of a zip archive, checked before any member is read."""

    def __init__(self, path: Path, limits: ZipLimits | None = None) -> None:
        self.limits = limits or ZipLimits()
        self.label = path.name
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SourceError("bad-zip", f"not a readable zip archive ({exc})") from exc
        try:
            self._infos = self._check(self._zip.infolist())
        except SourceError:
            self._zip.close()
            raise
        self._budget = [self.limits.max_total_bytes]

    def _check(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        lim = self.limits
        if len(infos) > lim.max_members:
            raise SourceError(
                "zip-too-many-members",
                f"the zip has {len(infos)} members; at most {lim.max_members} are allowed",
            )
        files: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            why = _unsafe_name(info.filename)
            if why:
                raise SourceError("zip-path-traversal", f"member name has {why}", info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise SourceError("zip-symlink", "symbolic links are not allowed in a zip", info.filename)
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise SourceError("zip-encrypted", "encrypted members are not supported", info.filename)
            if info.file_size > lim.max_member_bytes:
                raise SourceError(
                    "zip-bomb",
                    f"member declares {info.file_size} bytes; the limit is {lim.max_member_bytes}",
                    info.filename,
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > lim.ratio_min_bytes and ratio > lim.max_ratio:
                raise SourceError(
                    "zip-bomb",
                    f"member compresses {ratio:.0f}:1; at most {lim.max_ratio:.0f}:1 is allowed",
                    info.filename,
                )
            total += info.file_size
            if total > lim.max_total_bytes:
                raise SourceError(
                    "zip-bomb",
                    f"members declare more than {lim.max_total_bytes} bytes in total",
                    info.filename,
                )
            name = info.filename.replace("\\", "/")
            if name in files:
                raise SourceError("zip-duplicate-member", "the same name appears twice in the zip", name)
            if name.startswith("__MACOSX/") or PurePosixPath(name).name.startswith("._"):
                continue
            files[name] = info
        return files

    @property
    def names(self) -> list[str]:
        return sorted(self._infos)

    def open(self, name: str) -> BinaryIO:
        info = self._infos[name]
        try:
            inner = self._zip.open(info)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            raise SourceError("bad-zip", f"the zip member cannot be opened: {exc}", name) from exc
        raw = _CountingReader(inner, name, min(info.file_size, self.limits.max_member_bytes), self._budget)
        return io.BufferedReader(raw, buffer_size=256 * 1024)

    def close(self) -> None:
        self._zip.close()


def open_source(path: Path | list[Path], limits: ZipLimits | None = None) -> Source:
    """A folder, a zip file, a single file or a list of files as a :class:`Source`."""
    if isinstance(path, list):
        if len(path) == 1:
            return open_source(path[0], limits)
        return FilesSource(path)
    if path.is_dir():
        return FolderSource(path)
    if zipfile.is_zipfile(path) or path.suffix.lower() == ".zip":
        return ZipSource(path, limits)
    return FilesSource([path])


def iter_chunks(stream: BinaryIO, size: int = 1024 * 1024) -> Iterator[bytes]:
    """Read a binary stream in chunks."""
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk
