"""DuckDB connections for the linkage engine: embedded, offline, and optionally bounded in memory."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import duckdb

#: Never fetch an extension at run time (DESIGN.md §7: nothing downloads at run time).
OFFLINE_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


def connect(memory_limit: str | None = None, temp_directory: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection that never downloads extensions.

    ``memory_limit`` (e.g. ``"3GB"``) makes DuckDB spill to ``temp_directory`` rather than grow past it.
    """
    config = dict(OFFLINE_CONFIG)
    if memory_limit:
        config["memory_limit"] = memory_limit
    if temp_directory:
        config["temp_directory"] = temp_directory
    return duckdb.connect(":memory:", config=config)


@contextlib.contextmanager
def quiet_splink() -> Iterator[None]:
    """Splink logs its progress at INFO/WARNING; the engine reports through its own checks instead."""
    log = logging.getLogger("splink")
    before = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(before)
