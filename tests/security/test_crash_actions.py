"""Crash test of the hub's writing actions: SIGKILL at random moments, 50 times, on the suite's database.

Beyond ingest (``tests/ingest/test_crash.py``), every other kind of write: drafting and submitting agreements,
recording and revoking consents, disclosures through the gate (records of disclosure and their audit entry),
linkage runs, and families' requests. A child process (``crash_actions_driver.py``) runs them one after another
and is killed at a uniformly random moment; the next child is already loading, so kills come fast. A random
moment mostly lands in the slow actions (linkage), so every third child instead kills itself part of the way
through a chosen kind, the kinds in turn, and every kind must have been hit. Then:

- every action is present in full (its rows and its audit entry) or absent — nothing partial;
- every action a child reported committed is present — nothing lost;
- ``commonground audit verify`` exits 0 — the hash chain is intact;
- the hub still works: every kind of action runs again to completion, and the chain still verifies.

The seed is printed (``-s``); ``CRASH_SEED=N`` replays the same schedule of kills.
On PostgreSQL the children share a throw-away database created for the test, on SQLite the hub's own file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from queue import Queue
from typing import Any

import pytest

from tests.helpers import run_cli
from tests.ingest.crash_child import REPO, Child, Hub, dedicated_database
from tests.security.crash_actions_driver import KINDS

pytestmark = pytest.mark.slow

KILLS = 50
MAX_ATTEMPTS = 90
WINDOW = 1.2  # seconds after "go" within which the kill lands (uniformly)
TARGET_EVERY = 3  # every third child kills itself inside a chosen kind (see crash_actions_driver.work)
TARGET_WAIT = 60.0  # seconds a targeted child may take to get there
SPARES = 2  # children loading ahead


class ActionChild(Child):
    """A ``crash_actions_driver`` process (the ingest crash test's child, another module)."""

    def __init__(self, hub: Hub, *args: str) -> None:
        self.stderr_path = hub.work / f"child-{uuid.uuid4().hex[:8]}.err"
        self.proc = subprocess.Popen(  # noqa: S603 - fixed interpreter and module
            [sys.executable, "-m", "tests.security.crash_actions_driver", *args],
            cwd=REPO, env=hub.env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.stderr_path.open("wb"), text=True,
        )  # fmt: skip
        self.lines: Queue[str | None] = Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def events(self, word: str) -> list[list[str]]:
        return [parts[1:] for parts in (line.split() for line in self.seen) if parts and parts[0] == word]


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    with dedicated_database() as url:
        hub = Hub(home=tmp_path / "hub", database_url=url, work=tmp_path)
        done = run_cli("init", "--home", str(hub.home), home=hub.home, database_url=url)
        assert done.returncode == 0, done.stderr
        setup = ActionChild(hub, "setup", str(tmp_path))
        setup.expect("setup ok")
        assert setup.finish() == 0, setup.stderr()
        yield hub


def verify(hub: Hub) -> dict[str, Any]:
    child = ActionChild(hub, "verify")
    line = child.expect("state ")
    assert child.finish() == 0, child.stderr()
    state: dict[str, Any] = json.loads(line[6:])
    return state


def audit_verify(hub: Hub) -> None:
    done = run_cli("audit", "verify", "--home", str(hub.home), home=hub.home, database_url=hub.database_url)
    assert done.returncode == 0, done.stdout + done.stderr


@dataclasses.dataclass
class Tally:
    """What the children reported: committed actions (kind → tokens) and where each kill landed."""

    committed: dict[str, set[str]] = dataclasses.field(default_factory=dict)
    landed: Counter[str] = dataclasses.field(default_factory=Counter)
    actions: int = 0

    def note(self, child: ActionChild, killed: bool) -> None:
        for _key, kind, token in child.events("done"):
            if token != "none":
                self.committed.setdefault(kind, set()).add(token)
        begun = child.events("begin")
        self.actions += len(begun)
        if killed:
            done = {key for key, *_ in child.events("done")}
            open_ones = [kind for key, kind in begun if key not in done]
            self.landed[open_ones[-1] if open_ones else "between actions"] += 1


def test_sigkill_during_any_action_leaves_it_whole_or_absent_and_the_chain_intact(hub: Hub) -> None:
    seed = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(2**32))
    db = "PostgreSQL" if hub.database_url else "SQLite"
    print(f"\naction crash test on {db}: seed {seed} (replay with CRASH_SEED={seed})")
    rng = random.Random(seed)
    tally = Tally()
    kills, attempt = 0, 0
    started = time.monotonic()
    # Children load while others work: a small pool, so a kill is followed by the next "go" at once.
    pool = [ActionChild(hub, "work", f"s{i}", str(rng.randrange(2**32))) for i in range(SPARES)]
    try:
        while kills < KILLS:
            attempt += 1
            assert attempt <= MAX_ATTEMPTS, f"seed {seed}: only {kills} kills in {MAX_ATTEMPTS} attempts"
            child = pool.pop(0)
            child.expect("loaded")
            pool.append(ActionChild(hub, "work", str(attempt), str(rng.randrange(2**32))))
            if attempt % TARGET_EVERY:
                child.send("go")
                deadline = time.monotonic() + rng.uniform(0.05, WINDOW)
            else:  # the child kills itself inside the next kind in turn, part of the way through it
                kind = KINDS[(attempt // TARGET_EVERY) % len(KINDS)]
                child.send(f"go {kind} {rng.random():.6f}")
                deadline = time.monotonic() + TARGET_WAIT
            while child.next_line(deadline) is not None and time.monotonic() < deadline:
                pass
            child.kill()
            killed = child.finish() == -signal.SIGKILL
            assert killed or child.proc.returncode == 0, f"seed {seed}: child failed:\n{child.stderr()}"
            tally.note(child, killed)
            kills += killed
    finally:
        for spare in pool:
            spare.kill()
            spare.finish()
    print(
        f"{kills} kills in {attempt} attempts, {tally.actions} actions begun, {time.monotonic() - started:.0f} s; "
        f"kills landed in: {dict(tally.landed)}; committed: { {k: len(v) for k, v in tally.committed.items()} }"
    )
    missed = set(KINDS) - tally.landed.keys()
    assert not missed, f"seed {seed}: no kill landed in {sorted(missed)}"

    state = verify(hub)
    assert state["partial"] == [], f"seed {seed}: partial writes: {state['partial']}"
    for kind, tokens in tally.committed.items():
        lost = tokens - set(state["present"][kind])
        assert not lost, f"seed {seed}: committed {kind} actions lost: {sorted(lost)}"
    audit_verify(hub)

    # The hub still works: every kind of action once more, to the end, and the chain still verifies.
    again = ActionChild(hub, "work", "final", "1", "once")
    again.expect("finished")
    assert again.finish() == 0, again.stderr()
    after = verify(hub)
    assert after["partial"] == [] and after["audit"] > state["audit"]
    audit_verify(hub)
