"""Run the benchmarks and print their figures (``make bench``).

Each benchmark reports its own measurements and, where it has one, the ratio to a baseline measured in the
same run (these machines are noisy, so absolute seconds from another day mean little).
Usage: ``python bench/run.py [--students N] [--only NAME]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_generator


def main() -> int:
    """Run every benchmark (or one), print a JSON line per benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1_000_000, help="size of the generator benchmark")
    parser.add_argument("--only", choices=["generator"], default=None)
    args = parser.parse_args()
    results = []
    if args.only in (None, "generator"):
        results.append({"benchmark": "generator", **bench_generator.run(students=args.students)})
    failed = False
    for result in results:
        print(json.dumps(result, indent=2, default=str))
        failed |= result.get("passed") is False
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
