"""A person who mistypes a command gets one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import run_cli


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str, code: int) -> None:
    assert result.returncode == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in lines[0]


def test_negative_student_count_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("demo", "--students", "-5", "--no-serve", "--home", str(tmp_path / "hub"))
    assert_one_line_error(result, "--students must be at least 1 (got -5)", 2)
    assert not (tmp_path / "hub").exists(), "a rejected command must not create the home folder"


def test_zero_students_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("demo", "--students", "0", "--no-serve", "--home", str(tmp_path / "hub"))
    assert_one_line_error(result, "--students must be at least 1 (got 0)", 2)


def test_home_under_a_file_is_unusable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli("demo", "--students", "50", "--no-serve", "--home", str(blocker / "hub"))
    assert_one_line_error(result, f"cannot use {blocker / 'hub'} as the hub's home folder", 1)


def test_read_only_home_is_unusable(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        # root ignores permission bits; /proc refuses new folders even to root
        target = Path("/proc/commonground-home") if os.access(locked, os.W_OK) else locked / "hub"
        result = run_cli("demo", "--students", "50", "--no-serve", "--home", str(target))
        assert_one_line_error(result, f"cannot use {target} as the hub's home folder", 1)
    finally:
        locked.chmod(0o700)


def test_global_home_option_is_honoured_too(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_cli("--home", str(blocker / "hub"), "init")
    assert_one_line_error(result, "as the hub's home folder", 1)


def test_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("demo", "--students", "10", "--port", "70000", "--home", str(tmp_path / "hub"))
    assert_one_line_error(result, "--port must be between 1 and 65535 (got 70000)", 2)


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 0
    assert "commonground" in result.stdout.lower()


def test_init_creates_an_empty_hub(tmp_path: Path) -> None:
    result = run_cli("init", "--home", str(tmp_path / "hub"))
    assert result.returncode == 0, result.stderr
    assert "hub ready in" in result.stdout
    assert (tmp_path / "hub" / "db.sqlite3").exists()
