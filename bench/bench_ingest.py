"""Benchmark of ingest: a 10-million-row attendance CSV against DuckDB's own CSV → Parquet, and Ed-Fi XML rows/s.

Run ``python bench/bench_ingest.py --rows 10000000``; ``bench/run.py --only ingest`` imports :func:`run`.

- The CSV is a partner's own layout (student id, school, date as M/D/YYYY, status words) with its YAML mapping,
  generated deterministically with numpy and pyarrow.
- Baseline, in the same run: DuckDB's ``COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet)`` of the file.
- Ours: :func:`commonground.ingest.actions.do_ingest` of the same file (hash, parse, convert, validate, stage,
  publish, commit) on a fresh hub home with SQLite.
- Ed-Fi: ``parse_edfi_xml`` (with validation) of the synthetic district's XML files.

Each measurement runs in its own child process, which reports its own wall time and peak RSS, so the figures
are per run; baseline and ingest alternate and the best time of each counts. Targets: ours / DuckDB ≤ 2.0 and
ours under 1.5 GB peak RSS.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_RATIO = 2.0
TARGET_RSS_BYTES = int(1.5 * 1024**3)
SCHOOL_DAYS = 180
STATUSES = ("Present", "Excused", "Unexcused", "Tardy")
STATUS_P = (0.90, 0.04, 0.04, 0.02)
MAPPING = """\
table: attendance_event
id_column: Student ID
columns: {school_id: School, date: Date, category: Status}
date_formats: {date: ["%m/%d/%Y"]}
value_maps: {category: {Present: in_attendance}}
"""


def school_days(count: int = SCHOOL_DAYS) -> list[Any]:
    """The first ``count`` weekdays from 26 August 2024 (a school year's worth, for 180)."""
    import datetime as dt

    days, day = [], dt.date(2024, 8, 26)
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def write_attendance_csv(path: Path, rows: int, seed: int = 7) -> dict[str, Any]:
    """A partner's attendance export of ``rows`` rows: every student on every school day, date by date."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    students = -(-rows // SCHOOL_DAYS)
    days = school_days()
    labels = pa.array([f"{d.month}/{d.day}/{d.year}" for d in days])
    with path.open("wb") as out:
        out.write(b"Student ID,School,Date,Status\n")
        chunk = 1_000_000
        for start in range(0, rows, chunk):
            i = np.arange(start, min(rows, start + chunk), dtype=np.int64)
            student = i % students
            table = pa.table(
                {
                    "id": pa.array((student + 200_000).astype(np.int64)).cast(pa.string()),
                    "school": pa.array((student % 12 + 101).astype(np.int64)).cast(pa.string()),
                    "date": labels.take(pa.array((i // students).astype(np.int32))),
                    "status": pa.array(STATUSES).take(
                        pa.array(rng.choice(4, len(i), p=STATUS_P).astype(np.int32))
                    ),
                }
            )
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return {"rows": rows, "students": students, "bytes": path.stat().st_size}


def _peak_rss() -> int:
    """This process's own peak resident memory in bytes.

    ``VmHWM`` counts only since the child's exec; ``ru_maxrss`` would carry over the parent's peak from the fork.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _duckdb_child(csv: str, out: str, queue: Any) -> None:
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    t0 = time.perf_counter()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{out}' (FORMAT parquet)")  # noqa: S608 - our temp paths
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [out]).fetchall()[0]
    queue.put({"seconds": seconds, "rows": rows[0] if rows else 0, "peak_rss_bytes": _peak_rss()})


def _ingest_child(csv: str, mapping: str, home: str, queue: Any) -> None:
    os.environ.pop("DATABASE_URL", None)  # the embedded default: SQLite in the hub's home
    from commonground.cli.bootstrap import setup_django

    setup_django(Path(home), migrate=True)
    from commonground.ecosystem.models import Organization
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import load_mapping

    org = Organization.objects.create(slug="afterschool", name="After School", kind="nonprofit")
    t0 = time.perf_counter()
    sub = do_ingest(
        acting_user=None,
        organization=org,
        fmt="tabular",
        paths=[Path(csv)],
        mapping=load_mapping(Path(mapping)),
    )
    seconds = time.perf_counter() - t0
    queue.put(
        {
            "seconds": seconds,
            "status": sub.status,
            "rows": sub.row_counts.get("attendance_event", 0),
            "errors": sub.report["summary"]["errors"],
            "peak_rss_bytes": _peak_rss(),
        }
    )


def _edfi_child(folder: str, exact: bool, queue: Any) -> None:
    from commonground.ingest.connectors import edfi_xml
    from commonground.ingest.connectors.edfi_xml import parse_edfi_xml

    if exact:  # the reader every file used before the fast one: expat calling Python for every tag
        edfi_xml._fast_ok = lambda *_args: False  # type: ignore[assignment]
    files = sorted(Path(folder).glob("*.xml"))
    t0 = time.perf_counter()
    result = parse_edfi_xml(files, "district")
    seconds = time.perf_counter() - t0
    rows = sum(result.rows().values())
    queue.put(
        {
            "seconds": seconds,
            "rows": rows,
            "records": sum(result.rows_read.values()),
            "attendance_events": result.rows().get("attendance_event", 0),
            "errors": result.count("error"),
            "bytes": sum(f.stat().st_size for f in files),
            "peak_rss_bytes": _peak_rss(),
        }
    )


def _in_child(target: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    proc.join()
    if proc.exitcode != 0:
        raise RuntimeError(f"{target.__name__} failed with exit code {proc.exitcode}")
    result: dict[str, Any] = queue.get(timeout=10)
    return result


def run_edfi(students: int = 20_000, seed: int = 7) -> dict[str, Any]:
    """Ed-Fi XML parse throughput (canonical rows per second) on the generator's district of ``students``."""
    from commonground.demo.generator import GeneratorConfig, generate

    with tempfile.TemporaryDirectory(prefix="cg-bench-edfi-") as tmp:
        generate(GeneratorConfig(students=students, seed=seed, out_dir=Path(tmp)))
        folder = str(Path(tmp) / "district" / "edfi")
        got = _in_child(_edfi_child, folder, False)
        exact = _in_child(_edfi_child, folder, True)
    return {
        "students": students,
        **got,
        "rows_per_second": round(got["rows"] / got["seconds"]),
        "records_per_second": round(got["records"] / got["seconds"]),
        "megabytes_per_second": round(got["bytes"] / got["seconds"] / 1024**2, 1),
        "exact_reader_seconds": round(exact["seconds"], 2),
        "exact_reader_rows_per_second": round(exact["rows"] / exact["seconds"]),
        "speedup_vs_exact_reader": round(exact["seconds"] / got["seconds"], 2),
    }


def run(
    rows: int = 10_000_000, edfi_students: int = 20_000, seed: int = 7, repeats: int = 3
) -> dict[str, Any]:
    """Ingest of a ``rows``-row attendance CSV vs DuckDB, and Ed-Fi XML rows/s; figures, targets, passed.

    Baseline and ingest run ``repeats`` times each, alternating, every run in a fresh child process; the best
    time of each is compared (the machine's noise only ever adds time), and the highest peak memory is reported.
    """
    duck: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="cg-bench-ingest-") as tmp:
        root = Path(tmp)
        csv, mapping = root / "daily_attendance.csv", root / "attendance.yaml"
        t0 = time.perf_counter()
        info = write_attendance_csv(csv, rows, seed)
        mapping.write_text(MAPPING, encoding="utf-8")
        generate_seconds = time.perf_counter() - t0
        for attempt in range(repeats):
            duck.append(_in_child(_duckdb_child, str(csv), str(root / f"duckdb-{attempt}.parquet")))
            ours.append(_in_child(_ingest_child, str(csv), str(mapping), str(root / f"home-{attempt}")))
    edfi = run_edfi(edfi_students, seed) if edfi_students else {}
    best_duck = min(d["seconds"] for d in duck)
    best = min(ours, key=lambda o: o["seconds"])
    peak = max(o["peak_rss_bytes"] for o in ours)
    ratio = best["seconds"] / best_duck
    accepted = all(o["status"] == "accepted" and o["rows"] == rows for o in ours)
    return {
        "benchmark": "ingest",
        "rows": rows,
        "csv_bytes": info["bytes"],
        "generate_seconds": round(generate_seconds, 2),
        "repeats": repeats,
        "duckdb_seconds": round(best_duck, 2),
        "duckdb_seconds_each": [round(d["seconds"], 2) for d in duck],
        "duckdb_peak_rss_mb": round(max(d["peak_rss_bytes"] for d in duck) / 1024**2, 1),
        "ingest_seconds": round(best["seconds"], 2),
        "ingest_seconds_each": [round(o["seconds"], 2) for o in ours],
        "ingest_status": best["status"],
        "ingest_rows": best["rows"],
        "ingest_peak_rss_bytes": peak,
        "ingest_peak_rss_mb": round(peak / 1024**2, 1),
        "ingest_rows_per_second": round(best["rows"] / best["seconds"]),
        "ratio_vs_duckdb": round(ratio, 3),
        "edfi_xml": edfi,
        "targets": {"ratio_vs_duckdb": TARGET_RATIO, "ingest_peak_rss_bytes": TARGET_RSS_BYTES},
        "passed": accepted and ratio <= TARGET_RATIO and peak < TARGET_RSS_BYTES,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: prints the result as JSON; exit status 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--edfi-students", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.rows, args.edfi_students, args.seed, args.repeats)
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
