"""The crash tests' child process (a driver the test kills), the hub home the children share, and the throw-away
PostgreSQL database they use."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import missing_service
from tests.helpers import cli_env

REPO = Path(__file__).resolve().parents[2]
WAIT = 90.0  # seconds any one child may take to answer before the test gives up on it


@dataclasses.dataclass
class Hub:
    """A hub home (and its database URL on PostgreSQL) that the children share."""

    home: Path
    database_url: str | None
    work: Path

    def env(self) -> dict[str, str]:
        return cli_env(self.home, self.database_url)


class Child:
    """One ``crash_driver`` process and the lines it has printed (read by a thread, with arrival times)."""

    def __init__(self, hub: Hub, *args: str) -> None:
        self.stderr_path = hub.work / f"child-{uuid.uuid4().hex[:8]}.err"
        self.proc = subprocess.Popen(  # noqa: S603 - fixed interpreter and module
            [sys.executable, "-m", "tests.ingest.crash_driver", *args],
            cwd=REPO,
            env=hub.env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr_path.open("wb"),
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, until: float) -> str | None:
        """The next line, or None at end of output or when ``until`` (monotonic) passes."""
        try:
            line = self.lines.get(timeout=max(0.0, until - time.monotonic()))
        except queue.Empty:
            return None
        if line is not None:
            self.seen.append(line)
        return line

    def expect(self, start: str) -> str:
        """Read lines until one starts with ``start``; fail with the child's output if it never comes."""
        until = time.monotonic() + WAIT
        while (line := self.next_line(until)) is not None:
            if line.startswith(start):
                return line
        self.kill()
        pytest.fail(f"child never printed {start!r}; printed {self.seen}; stderr:\n{self.stderr()}")

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)

    def finish(self) -> int:
        """Wait for the exit, collect every remaining line; return the exit code (-9 when killed)."""
        code = self.proc.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                self.seen.append(line)
        if self.proc.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.proc.stdin.close()
        return code

    def phases(self) -> list[tuple[str, float]]:
        return [(p[1], float(p[2])) for p in (line.split() for line in self.seen) if p[0] == "phase"]

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")[-4000:]


@contextlib.contextmanager
def dedicated_database() -> Iterator[str | None]:
    """On PostgreSQL, a throw-away database the test and its children share; on SQLite, None (the hub's file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield None
        return
    import psycopg

    base = url.rsplit("/", 1)[0]
    name = f"cg_crash_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        missing_service(f"PostgreSQL is not reachable for the crash test: {exc}")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
