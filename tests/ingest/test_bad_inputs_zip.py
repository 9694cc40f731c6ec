"""Bad zips at the parser (bombs, traversal, symlinks, damage): each asserts the exact code and file.

The same kinds go end to end through ``do_ingest`` in ``test_bad_inputs_e2e.py`` (see ``bad_input_catalogue.py``).
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.ingest.connectors.sources import ZipLimits

from .bad_input_files import make_zip, where
from .conftest import GRAND_BEND, find_issue


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "bomb.zip", {"users.csv": b"\0" * (20 * 1024 * 1024)})
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "zip-bomb") == ("error", "users.csv", None, None)
    assert "compresses" in find_issue(result, "zip-bomb").expected


def test_zip_bomb_by_total_declared_size(tmp_path: Path) -> None:
    members = {f.name: f.read_bytes() for f in GRAND_BEND.glob("*.csv")}
    archive = make_zip(tmp_path / "big.zip", members)
    result = parse_oneroster(archive, source_org="gb", zip_limits=ZipLimits(max_total_bytes=2000))
    assert find_issue(result, "zip-bomb").expected.startswith("members declare more than 2000 bytes")


def test_zip_member_that_decompresses_past_its_declared_size(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "liar.zip", {"users.csv": b"sourcedId\n" + b"1\n" * 50_000})
    data = bytearray(archive.read_bytes())
    # Shrink the declared uncompressed size in the central directory (and local header) to 100 bytes.
    real = (b"sourcedId\n" + b"1\n" * 50_000).__len__().to_bytes(4, "little")
    assert data.count(real) == 2
    archive.write_bytes(bytes(data).replace(real, (100).to_bytes(4, "little")))
    result = parse_oneroster(archive, source_org="gb")
    assert find_issue(result, "bad-zip").file == "users.csv"


def test_zip_path_traversal(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "evil.zip", {"../../etc/users.csv": b"x"})
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "zip-path-traversal") == ("error", "../../etc/users.csv", None, None)


def test_zip_absolute_path(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "abs.zip", {"/tmp/users.csv": b"x"})  # noqa: S108 - the name is the attack
    result = parse_oneroster(archive, source_org="gb")
    assert find_issue(result, "zip-path-traversal").expected == "member name has an absolute path"


def test_zip_symlink(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("users.csv")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "zip-symlink") == ("error", "users.csv", None, None)


def test_zip_with_too_many_members(tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "many.zip", {f"f{i}.csv": b"a\n" for i in range(30)})
    result = parse_oneroster(archive, source_org="gb", zip_limits=ZipLimits(max_members=20))
    assert where(result, "zip-too-many-members")[0:2] == ("error", "many.zip")


def test_truncatedmake_zip(tmp_path: Path) -> None:
    members = {f.name: f.read_bytes() for f in GRAND_BEND.glob("*.csv")}
    archive = make_zip(tmp_path / "cut.zip", members)
    archive.write_bytes(archive.read_bytes()[:-200])
    result = parse_oneroster(archive, source_org="gb")
    assert where(result, "bad-zip") == ("error", "cut.zip", None, None)
