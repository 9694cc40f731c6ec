"""Run the benchmarks and print their figures (``make bench``).

Each benchmark reports its own measurements and, where it has one, the ratio to a baseline measured in the
same run (these machines are noisy, so absolute seconds from another day mean little).
Usage: ``python bench/run.py [--students N] [--link-sizes N ...] [--ingest-rows N] [--only NAME]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_audit
import bench_encryption
import bench_gate
import bench_generator
import bench_ingest
import bench_linkage
import bench_load
import bench_privacy
import bench_questions
import bench_registry


def main() -> int:
    """Run every benchmark (or one), print a JSON line per benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=1_000_000, help="size of the generator benchmark")
    parser.add_argument(
        "--link-sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 1_000_000],
        help="linkage sizes (students)",
    )
    parser.add_argument(
        "--ingest-rows", type=int, default=10_000_000, help="rows of the ingest benchmark's CSV"
    )
    parser.add_argument(
        "--audit-entries",
        type=int,
        default=1_000_000,
        help="length of the audit log the verify benchmark checks",
    )
    parser.add_argument(
        "--only",
        choices=[
            "generator",
            "linkage",
            "ingest",
            "privacy",
            "audit",
            "gate",
            "registry",
            "questions",
            "encryption",
            "load",
        ],
        default=None,
    )
    args = parser.parse_args()
    results = []
    if args.only in (None, "generator"):
        results.append({"benchmark": "generator", **bench_generator.run(students=args.students)})
    if args.only in (None, "linkage"):
        results.append(bench_linkage.run(sizes=tuple(args.link_sizes)))
    if args.only in (None, "ingest"):
        results.append(bench_ingest.run(rows=args.ingest_rows))
    if args.only in (None, "privacy"):
        results.append(bench_privacy.run(students=min(args.students, 10_000)))
    if args.only in (None, "questions"):
        results.append(bench_questions.run(students=min(args.students, 100_000)))
    if args.only in (None, "audit"):
        results.append(bench_audit.run(entries=args.audit_entries))
    if args.only in (None, "gate"):
        results.append(bench_gate.run(students=1_000, population=min(args.students, 10_000)))
    if args.only in (None, "registry"):
        # 10,000 new records against a registry of the generator's community at the largest linkage size
        results.append(bench_registry.run(students=max(args.link_sizes)))
    if args.only in (None, "encryption"):
        results.append(bench_encryption.run(students=min(args.students, 100_000)))
    if args.only in (None, "load"):
        results.append(bench_load.run(students=500))  # the action list on two gunicorn workers, gate included
    failed = False
    for result in results:
        print(json.dumps(result, indent=2, default=str))
        failed |= result.get("passed") is False
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
