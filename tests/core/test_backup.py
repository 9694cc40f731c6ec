"""`commonground backup` / `restore`: a signed, hash-checked copy of the whole hub that restores to an identical,
verifiable hub — and a changed backup is refused before anything is written."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.helpers import run_cli
from tests.ingest.conftest import GRAND_BEND

PG_ADMIN = os.environ.get("COMMONGROUND_TEST_POSTGRES", "")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _ok(*args: str, home: Path, database_url: str | None = None) -> str:
    result = run_cli(*args, home=home, database_url=database_url)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


def _populated_hub(home: Path, database_url: str | None = None) -> list[dict[str, object]]:
    _ok(
        "org",
        "add",
        "grand-bend",
        "--kind",
        "district",
        "--name",
        "Grand Bend",
        home=home,
        database_url=database_url,
    )
    _ok(
        "ingest",
        "--org",
        "grand-bend",
        "--format",
        "oneroster",
        str(GRAND_BEND),
        home=home,
        database_url=database_url,
    )
    return json.loads(_ok("submissions", "--json", home=home, database_url=database_url))


def _copy_keys(source: Path, target: Path) -> None:
    shutil.copytree(source / "keys", target / "keys", dirs_exist_ok=True)


def _round_trip(tmp_path: Path, url_a: str | None, url_b: str | None) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    before = _populated_hub(a, url_a)
    out = _ok("backup", "--out", str(tmp_path / "backup"), home=a, database_url=url_a)
    assert "keys are not included" in out
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert any(f["path"].endswith("part-0.parquet") for f in manifest["files"])
    assert not any("keys" in f["path"] for f in manifest["files"])

    refused = run_cli("restore", str(tmp_path / "backup"), home=b, database_url=url_b)  # no key in b yet
    assert refused.returncode == 1 and "no audit key" in refused.stderr
    _copy_keys(a, b)
    restored = _ok("restore", str(tmp_path / "backup"), home=b, database_url=url_b)
    assert "audit log intact" in restored
    assert json.loads(_ok("submissions", "--json", home=b, database_url=url_b)) == before
    assert "audit log intact" in _ok("audit", "verify", home=b, database_url=url_b)


def test_backup_then_restore_into_a_new_home_gives_the_same_hub(tmp_path: Path) -> None:
    _round_trip(tmp_path, None, None)


def test_a_changed_backup_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _populated_hub(a)
    _ok("backup", "--out", str(tmp_path / "backup"), home=a)
    parquet = next((tmp_path / "backup" / "data").rglob("part-0.parquet"))
    parquet.write_bytes(parquet.read_bytes()[:-10] + b"0123456789")
    _copy_keys(a, b)
    result = run_cli("restore", str(tmp_path / "backup"), home=b)
    assert result.returncode == 1
    assert "was changed since the backup" in result.stderr and "nothing was changed" in result.stderr
    assert not (b / "db.sqlite3").exists() and not (b / "data" / "batches").exists()


def test_restore_will_not_overwrite_a_hub_with_data_unless_forced(tmp_path: Path) -> None:
    a = tmp_path / "a"
    _populated_hub(a)
    _ok("backup", "--out", str(tmp_path / "backup"), home=a)
    result = run_cli("restore", str(tmp_path / "backup"), home=a)
    assert result.returncode == 2 and "--force" in result.stderr
    assert "audit log intact" in _ok("restore", str(tmp_path / "backup"), "--force", home=a)


@pytest.mark.skipif(
    not (ON_POSTGRES and PG_ADMIN), reason="the PostgreSQL run of the suite covers pg_dump/pg_restore"
)
def test_backup_and_restore_on_postgresql(tmp_path: Path) -> None:
    names = [f"cg_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        _round_trip(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
