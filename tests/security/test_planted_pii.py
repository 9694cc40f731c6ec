"""Planted PII: distinctive fake names, a birth date, an address and an e-mail go into a hub — ingested, linked,
consented to, shown on a student's page through the gate, backed up — and then the bytes at rest are searched.

What is searched: the database (SQLite: the file, its -wal and -shm; PostgreSQL: a plain ``pg_dump`` of the test
database), every file under the hub's home (batches, quarantine, inbox, the linkage snapshot, any log file; the
key folder too, harmlessly), every file of the backup (a
PostgreSQL backup's custom-format dump is converted to plain SQL first, since it is compressed), any ``*.log``
under the home, and everything the hub printed (its log handlers write to the console). Each needle is looked
for as UTF-8 and UTF-16 (little and big endian), as written, lower and upper case.

The control builds the same hub with encryption switched off and must find the names in the data plane, the
backup and the database: the search is proven able to see them, so "0 hits" means encrypted, not "not looked for".
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.helpers import cli_env, run_cli
from tests.security.planted_driver import FIRST, PLANTED

pytestmark = pytest.mark.slow

PG_ADMIN = os.environ.get("COMMONGROUND_TEST_POSTGRES", "")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def needles(words: tuple[str, ...] = PLANTED) -> list[tuple[str, bytes]]:
    """Every byte form a word is looked for in."""
    out = []
    for word in words:
        for form in {word, word.lower(), word.upper()}:
            for codec in ("utf-8", "utf-16-le", "utf-16-be"):
                out.append((f"{form!r} ({codec})", form.encode(codec)))
    return out


def hits(path: Path, found: list[str], label: str | None = None) -> None:
    """Add ``label: needle`` to ``found`` for each needle in the file's bytes."""
    data = path.read_bytes()
    for name, needle in needles():
        if needle in data:
            found.append(f"{label or path}: {name}")


def files(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``."""
    return (p for p in sorted(root.rglob("*")) if p.is_file())


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None on SQLite; on PostgreSQL a fresh database of its own, dropped afterwards."""
    if not ON_POSTGRES:
        yield None
        return
    if not PG_ADMIN:
        pytest.skip("COMMONGROUND_TEST_POSTGRES is needed to make the hub's own database")
    name = f"cg_planted_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _driver(*args: str, home: Path, database_url: str | None, logs: list[str]) -> str:
    env = cli_env(home, database_url)
    env["DJANGO_SETTINGS_MODULE"] = "commonground.settings.test"
    result = subprocess.run(  # noqa: S603 - fixed interpreter and module, arguments from the test
        [sys.executable, "-m", "tests.security.planted_driver", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    logs += [result.stdout, result.stderr]
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _cli(*args: str, home: Path, database_url: str | None, logs: list[str]) -> str:
    result = run_cli(*args, home=home, database_url=database_url)
    logs += [result.stdout, result.stderr]
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-2000:])
    return result.stdout


def build_hub(tmp_path: Path, database_url: str | None, mode: str = "build") -> tuple[Path, list[str]]:
    """Build, link, show and back up the planted hub; return its home and everything it printed."""
    home, logs = tmp_path / "home", []
    _driver(mode, str(tmp_path / "sent"), home=home, database_url=database_url, logs=logs)
    _cli("link", home=home, database_url=database_url, logs=logs)
    shown = _driver("show", home=home, database_url=database_url, logs=logs)
    assert "status 200 shown True" in shown, shown  # the gate's read decrypts: the page names the student
    _cli("backup", "--out", str(tmp_path / "backup"), home=home, database_url=database_url, logs=logs)
    return home, logs


def search(tmp_path: Path, home: Path, logs: list[str], database_url: str | None) -> list[str]:
    """Every place a planted value was found in plaintext."""
    found: list[str] = []
    if database_url is None:
        for suffix in ("", "-wal", "-shm"):
            path = home / f"db.sqlite3{suffix}"
            if path.exists():
                hits(path, found)
        assert (home / "db.sqlite3").exists()
    else:
        dump = tmp_path / "live.sql"
        subprocess.run(["pg_dump", "--file", str(dump), database_url], check=True)  # noqa: S603, S607
        hits(dump, found, "pg_dump of the live database")
    assert any((home / "data").rglob("part-0.parquet")), (
        "the hub published nothing: the search proves nothing"
    )
    for path in files(home):  # the data plane, quarantine, inbox, linkage snapshot, exports, any log file
        hits(path, found)
    backup = tmp_path / "backup"
    for path in files(backup):
        if path.suffix == ".pgdump":
            plain = tmp_path / "backup.sql"
            subprocess.run(["pg_restore", "--file", str(plain), str(path)], check=True)  # noqa: S603, S607
            hits(plain, found, f"{path} (as plain SQL)")
        else:
            hits(path, found)
    printed = tmp_path / "printed.txt"
    printed.write_text("\n".join(logs), encoding="utf-8")
    hits(printed, found, "what the hub printed")
    return found


def test_planted_pii_is_nowhere_at_rest(tmp_path: Path, database_url: str | None) -> None:
    home, logs = build_hub(tmp_path, database_url)

    assert search(tmp_path, home, logs, database_url) == []


def test_with_sealing_off_the_same_search_finds_the_names(tmp_path: Path, database_url: str | None) -> None:
    home, logs = build_hub(tmp_path, database_url, mode="sealing-off")

    found = search(tmp_path, home, logs, database_url)
    assert any("/batches/person/" in f and FIRST in f for f in found), found
    assert any("backup" in f and "/batches/person/" in f for f in found), found
    database = "db.sqlite3" if database_url is None else "pg_dump of the live database"
    assert any(database in f and "Wendeline" in f for f in found), found  # the consent's signer
