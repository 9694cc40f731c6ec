"""Benchmark of the synthetic community generator: wall time and peak memory at district scale.

Run ``python bench/bench_generator.py --students 1000000``; ``bench/run.py`` imports :func:`run`.
The generation runs in a child process so that the peak RSS reported is the generator's own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_SECONDS = 180.0
TARGET_RSS_BYTES = 2 * 1024**3


def _child(students: int, seed: int, out_dir: str, queue: Any) -> None:
    from commonground.demo.generator import GeneratorConfig, generate

    result = generate(GeneratorConfig(students=students, seed=seed, out_dir=Path(out_dir)))
    events = sum(v for k, v in result.counts.items() if "StudentSchoolAttendanceEvent" in k)
    queue.put({"generator_seconds": result.seconds, "attendance_events": events,
               "rows_written": sum(result.counts.values()), "files": len(result.counts),
               "edfi_event_format": result.manifest["edfi_event_format"]})  # fmt: skip


def run(students: int = 1_000_000, seed: int = 7) -> dict[str, Any]:
    """Generate ``students`` into a temporary folder; report seconds, peak RSS, rows and pass/fail on targets."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    with tempfile.TemporaryDirectory(prefix="cg-bench-gen-") as tmp:
        t0 = time.perf_counter()
        proc = ctx.Process(target=_child, args=(students, seed, tmp, queue))
        proc.start()
        proc.join()
        seconds = time.perf_counter() - t0
        if proc.exitcode != 0:
            raise RuntimeError(f"generator process failed with exit code {proc.exitcode}")
        info = queue.get(timeout=10)
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # kilobytes on Linux
    return {
        "benchmark": "generator",
        "students": students,
        "seed": seed,
        "seconds": round(seconds, 2),
        "peak_rss_bytes": peak,
        "peak_rss_mb": round(peak / 1024**2, 1),
        "output_bytes": size,
        **info,
        "targets": {"seconds": TARGET_SECONDS, "peak_rss_bytes": TARGET_RSS_BYTES},
        "passed": seconds <= TARGET_SECONDS and peak <= TARGET_RSS_BYTES,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: prints the result as JSON; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    result = run(args.students, args.seed)
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
