"""The hub's home folder: created with its sub-folders, usable by processes that start together."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from commonground.home import HomeError, ensure_home


def test_ensure_home_creates_the_standard_sub_folders(tmp_path: Path) -> None:
    home = ensure_home(tmp_path / "hub")
    assert sorted(p.name for p in home.iterdir()) == ["data", "exports", "keys"]


def test_a_file_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "hub").write_text("not a folder")
    with pytest.raises(HomeError, match=r"cannot use .*hub as the hub's home folder"):
        ensure_home(tmp_path / "hub")


def test_many_starters_on_one_home_do_not_trip_over_each_others_write_probe(tmp_path: Path) -> None:
    # Two crash-test children (or gunicorn workers) starting at once once deleted each other's probe file.
    home = tmp_path / "hub"
    errors: list[BaseException] = []

    def start() -> None:
        try:
            for _ in range(200):
                ensure_home(home)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(p.name for p in home.iterdir()) == ["data", "exports", "keys"]
