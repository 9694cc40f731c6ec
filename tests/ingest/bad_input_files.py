"""Files for the bad-input catalogue: small helpers that copy and edit samples, and the builders of hostile zips
(bombs, liars, traversal, absolute names, symlinks, too many members, truncation)."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from commonground.ingest.connectors.report import ParseResult

from .conftest import EDFI_EXCERPT, GRAND_BEND, find_issue

GiB = 1024**3


def where(result: ParseResult, code: str) -> tuple[str, str, int | None, str | None]:
    """(severity, file, line, column) of the first issue with ``code``."""
    issue = find_issue(result, code)
    return issue.severity, issue.file, issue.line, issue.column


def edit(folder: Path, name: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``folder/name`` (which must contain it) by ``new``."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    """A deflated zip of ``members`` (name → bytes)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def declare_size(archive: Path, real: int, declared: int) -> None:
    """Rewrite a one-member zip's declared uncompressed size (local header and central directory)."""
    data = archive.read_bytes()
    old = real.to_bytes(4, "little")
    assert data.count(old) == 2, "the size must appear once in each header"
    archive.write_bytes(data.replace(old, declared.to_bytes(4, "little")))


def excerpt_text(name: str) -> str:
    """One file of the Ed-Fi XML excerpt as text."""
    return (EDFI_EXCERPT / name).read_text(encoding="utf-8")


# --- zip builders ----------------------------------------------------------------------------------------------


def grand_bend_members() -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in GRAND_BEND.glob("*.csv")}


def zip_bomb_ratio(tmp: Path) -> list[Path]:
    return [make_zip(tmp / "bomb.zip", {"users.csv": b"\0" * (20 * 1024 * 1024)})]


def zip_declares_too_much(tmp: Path) -> list[Path]:
    data = b"sourcedId\n1\n"
    archive = make_zip(tmp / "big.zip", {"users.csv": data})
    declare_size(archive, len(data), 4 * GiB - 16)  # over the 2 GiB default, without writing a byte of it
    return [archive]


def zip_liar(tmp: Path) -> list[Path]:
    data = b"sourcedId\n" + b"1\n" * 50_000
    archive = make_zip(tmp / "liar.zip", {"users.csv": data})
    declare_size(archive, len(data), 100)
    return [archive]


def zip_traversal(tmp: Path) -> list[Path]:
    return [make_zip(tmp / "evil.zip", {**grand_bend_members(), "../../etc/users.csv": b"x"})]


def zip_absolute(tmp: Path) -> list[Path]:
    return [make_zip(tmp / "abs.zip", {"/tmp/users.csv": b"x"})]  # noqa: S108 - the name is the attack


def zip_symlink(tmp: Path) -> list[Path]:
    archive = tmp / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("users.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    return [archive]


def zip_many(tmp: Path) -> list[Path]:
    archive = tmp / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:  # one more than the default limit of 10,000
        for i in range(10_001):
            zf.writestr(f"f{i}.csv", b"a\n")
    return [archive]


def zip_truncated(tmp: Path) -> list[Path]:
    archive = make_zip(tmp / "cut.zip", grand_bend_members())
    archive.write_bytes(archive.read_bytes()[:-200])
    return [archive]
