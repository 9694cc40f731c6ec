"""The key store beside other processes and after a crash: a reader that meets a destruction half-way, a
destruction killed between its steps, two processes making the same scope's key or the first master key.

Found by the action crash test (``tests/security/test_crash_actions.py``): a linkage run killed while it
destroyed the older snapshot key left that key's file full of random bytes under its own name, and every later
use of the key store failed to read it.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from commonground.core import keystore


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(keystore.KEYS_DIR_ENV_VAR, str(tmp_path / "keys"))
    monkeypatch.delenv(keystore.MASTER_ENV_VAR, raising=False)
    return tmp_path / "keys"


def _files(keys: Path) -> list[str]:
    return sorted(p.name for p in (keys / "data").iterdir() if p.name != ".lock")


def test_a_reader_that_opened_a_key_file_just_before_it_was_shredded_skips_it(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    east, west = keystore.key_for("org:eastside"), keystore.key_for("org:westside")
    east_path = keys / "data" / f"{east.key_id}.json"
    real_open = pathlib.Path.open

    def open_then_shredded(self: Path, *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, *args, **kwargs)
        if self == east_path:
            # Another process's destruction lands between this reader's open and its read: the file is
            # renamed away and overwritten in place (the reader's handle sees the random bytes).
            doomed = keys / "data" / f".shred-{east.key_id}"
            os.replace(east_path, doomed)
            doomed.write_bytes(os.urandom(doomed.stat().st_size))
        return handle

    monkeypatch.setattr(pathlib.Path, "open", open_then_shredded)
    assert keystore.key_for("org:westside") == west
    assert "org:eastside" not in keystore.scopes()
    with pytest.raises(keystore.MissingKeyError):
        keystore.key_by_id(east.key_id)


@pytest.mark.parametrize("overwritten", [False, True], ids=["renamed-only", "renamed-and-overwritten"])
def test_a_destruction_killed_between_its_steps_is_finished_by_the_next_use(
    keys: Path, overwritten: bool
) -> None:
    east, west = keystore.key_for("org:eastside"), keystore.key_for("org:westside")
    doomed = keys / "data" / f".shred-{east.key_id}"
    os.replace(keys / "data" / f"{east.key_id}.json", doomed)  # step one done, then the process died
    if overwritten:
        doomed.write_bytes(os.urandom(doomed.stat().st_size))
    with pytest.raises(keystore.MissingKeyError):
        keystore.key_by_id(east.key_id)  # gone from the moment of the rename
    assert keystore.key_for("org:westside") == west
    assert _files(keys) == [f"{west.key_id}.json"]  # the leftover, key material and all, is gone


def test_a_damaged_key_file_that_no_destruction_explains_is_named_in_the_error(keys: Path) -> None:
    keystore.key_for("org:eastside")
    damaged = keys / "data" / "0123456789abcdef0123456789abcdef.json"
    damaged.write_bytes(b"\xf7" + os.urandom(40))
    with pytest.raises(ValueError, match=r"0123456789abcdef0123456789abcdef\.json is not a data key record"):
        keystore.key_for("org:eastside")


def test_when_another_process_makes_the_scope_key_first_there_is_still_one_key(
    keys: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_master = keystore.master_key
    made: list[str] = []

    def master_while_another_process_makes_the_key() -> bytes:
        if not made:  # between this process's look for the key and its making one
            made.append(_in_another_process(keys, "print(keystore.key_for('org:eastside').key_id)"))
        return real_master()

    keystore.master_key()
    monkeypatch.setattr(keystore, "master_key", master_while_another_process_makes_the_key)
    mine = keystore.key_for("org:eastside")
    assert mine.key_id == made[0]
    assert keystore.scopes() == {"org:eastside": made[0]}
    assert _files(keys) == [f"{made[0]}.json"]


@pytest.mark.parametrize("stale", ["record", "masters"])
def test_a_reader_that_straddles_a_master_rotation_still_finds_the_key(
    keys: Path, monkeypatch: pytest.MonkeyPatch, stale: str
) -> None:
    east = keystore.key_for("org:eastside")
    old_record = json.loads((keys / "data" / f"{east.key_id}.json").read_text())
    old_masters = keystore._masters()
    assert keystore.rotate_master() == 1
    real_masters = keystore._masters
    calls: list[int] = []

    def masters_read_before_the_rotation_ended() -> dict[str, bytes]:
        calls.append(1)
        return old_masters if len(calls) == 1 else real_masters()

    if stale == "masters":  # read master.key, then the rotation ended, then read the (re-wrapped) record
        monkeypatch.setattr(keystore, "_masters", masters_read_before_the_rotation_ended)
        assert keystore.key_for("org:eastside") == east
    else:  # read the record, then the rotation ended, then read master.key (the old master is gone)
        assert keystore._unwrap(old_record) == east.key


def test_destroying_a_scope_removes_every_key_it_has(keys: Path) -> None:
    # A hub written before keys were made under the lock may hold two for one scope.
    first, second = keystore.key_for("org:eastside"), keystore.key_for("org:other")
    path = keys / "data" / f"{second.key_id}.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "scope": "org:eastside"}))
    assert keystore.destroy("org:eastside") in {first.key_id, second.key_id}
    assert keystore.scopes() == {}
    assert _files(keys) == []


def test_six_processes_at_once_agree_on_one_master_key_and_one_data_key(keys: Path) -> None:
    script = (
        "import time; t = float(sys.argv[1])\n"
        "while time.time() < t: pass\n"
        "print(envelope.key_fingerprint(keystore.master_key()), keystore.key_for('org:eastside').key_id)"
    )
    start = f"{time.time() + 1.5:.3f}"
    procs = [_start(keys, script, start) for _ in range(6)]
    answers = {_finish(p) for p in procs}
    assert len(answers) == 1, answers
    record = json.loads(next((keys / "data").glob("*.json")).read_text())
    assert keystore.scopes() == {"org:eastside": record["key_id"]}


def _start(keys: Path, script: str, *args: str) -> subprocess.Popen[str]:
    code = "import sys\nfrom commonground.core import envelope, keystore\n" + script
    env = {**os.environ, keystore.KEYS_DIR_ENV_VAR: str(keys)}
    return subprocess.Popen(  # noqa: S603 - this interpreter, code of this test
        [sys.executable, "-c", code, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out.strip()


def _in_another_process(keys: Path, script: str) -> str:
    return _finish(_start(keys, script))
