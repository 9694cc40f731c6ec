"""Helpers shared by tests that run the ``commonground`` command in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "commonground.cli"]


def cli_env(home: Path | None = None, database_url: str | None = None) -> dict[str, str]:
    """The environment for a CLI subprocess: embedded SQLite unless ``database_url`` is given."""
    env = {k: v for k, v in os.environ.items() if k not in {"COMMONGROUND_HOME", "DATABASE_URL"}}
    if home is not None:
        env["COMMONGROUND_HOME"] = str(home)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_cli(
    *args: str, home: Path | None = None, database_url: str | None = None, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``commonground ARGS`` to completion and return what it printed."""
    return subprocess.run(  # noqa: S603 - fixed interpreter and module, arguments from the test
        [*CLI, *args],
        capture_output=True,
        text=True,
        env=cli_env(home, database_url),
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
