"""Running one measurement in a fresh process, and that process's own peak memory (shared by the benchmarks)."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue as queue_mod
import resource
from pathlib import Path
from typing import Any


def peak_rss() -> int:
    """This process's own peak resident memory in bytes.

    ``ru_maxrss`` would be wrong in a child: Linux carries the parent's high-water mark across fork and exec, so a
    child of a big parent reports the parent's size. ``VmHWM`` belongs to the process's own memory.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def in_child(target: Any, *args: Any) -> dict[str, Any]:
    """Run ``target(*args, queue)`` in a fresh (spawned) process and return the dict it put on the queue.

    The result is read while the child runs (a big result would otherwise block the child's exit), and a child
    that dies without one raises instead of waiting forever.
    """
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, results))
    proc.start()
    out: Any = None
    while out is None:
        try:
            out = results.get(timeout=1)
        except queue_mod.Empty:
            if not proc.is_alive():
                break
    proc.join()
    if proc.exitcode != 0 or out is None:
        raise RuntimeError(f"{getattr(target, '__name__', target)} failed with exit code {proc.exitcode}")
    return dict(out)
