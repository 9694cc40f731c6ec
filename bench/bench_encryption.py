"""Benchmark of encryption at rest: a district's ingest with identifying columns sealed against the same ingest
without, in the same run; and what opening them costs a reader of the current view.

Run ``python bench/bench_encryption.py --students 100000``; ``bench/run.py --only encryption`` imports :func:`run`.

- The district sends a OneRoster 1.1 bulk export of ``students`` students (users with names and e-mail,
  demographics with birth dates, two class enrollments each: :func:`bench_ingest.write_oneroster_export`) and an
  attendance CSV for the same students (``days`` school days each).
- Each measurement runs in its own child process on a fresh hub home (SQLite): ``do_ingest`` of the roster,
  then of the attendance file, then a read of the whole current ``person`` view
  (``dataplane.current_relation(con, "person").to_arrow_table()``). The baseline is the same child with
  ``sealing.ENABLED = False``. Sealed and plain alternate; the best time of each counts.
- Target: (roster + attendance ingest, sealed) / (the same, plain) ≤ 1.3. The roster alone (the only submission
  with identifying columns) and the read are reported as ratios too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from children import in_child

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_RATIO = 1.3
ATTENDANCE_MAPPING = """\
table: attendance_event
id_column: Student ID
columns: {school_id: School, date: Date, category: Status}
date_formats: {date: ["%Y-%m-%d"]}
value_maps: {category: {Present: in_attendance, Absent: unexcused}}
"""


def write_attendance(path: Path, students: int, days: int) -> int:
    """Every student on each of ``days`` school days (ids as in the roster); returns the rows written."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from bench_ingest import school_days

    ids = pa.array([f"u{i:07d}" for i in range(students)])
    schools = pa.array([f"sch{i % 10}" for i in range(students)])
    rng = np.random.default_rng(11)
    with path.open("wb") as out:
        out.write(b"Student ID,School,Date,Status\n")
        for day in school_days(days):
            status = pa.array(np.where(rng.random(students) < 0.93, "Present", "Absent"))
            table = pa.table(
                {"id": ids, "school": schools, "date": pa.array([day.isoformat()] * students), "s": status}
            )
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return students * days


def _child(export: str, attendance: str, mapping: str, home: str, sealed: bool, queue: Any) -> None:
    os.environ.pop("DATABASE_URL", None)  # the embedded default: SQLite in the hub's home
    os.environ.pop("COMMONGROUND_MASTER_KEY", None)
    os.environ.pop("COMMONGROUND_KEYS_DIR", None)
    from commonground.cli.bootstrap import setup_django

    setup_django(Path(home), migrate=True)
    from commonground.ecosystem.models import Organization
    from commonground.ingest import dataplane, sealing
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import load_mapping

    sealing.ENABLED = sealed
    org = Organization.objects.create(slug="district", name="District", kind="district")
    t0 = time.perf_counter()
    roster = do_ingest(acting_user=None, organization=org, fmt="oneroster", paths=[Path(export)])
    t1 = time.perf_counter()
    events = do_ingest(
        acting_user=None,
        organization=org,
        fmt="tabular",
        paths=[Path(attendance)],
        mapping=load_mapping(Path(mapping)),
    )
    t2 = time.perf_counter()
    con = dataplane.connect()
    people = dataplane.current_relation(con, "person").to_arrow_table()
    t3 = time.perf_counter()
    first = people.column("first_name").to_pylist()
    part = next((dataplane.data_dir() / "batches" / "person").rglob(dataplane.PART))
    queue.put(
        {
            "roster_seconds": t1 - t0,
            "attendance_seconds": t2 - t1,
            "read_seconds": t3 - t2,
            "status": [roster.status, events.status],
            "rows": {**roster.row_counts, "attendance_event": events.row_counts.get("attendance_event", 0)},
            "read_rows": people.num_rows,
            "names_readable": all(isinstance(v, str) for v in first if v is not None) and any(first),
            "sealed_on_disk": bool(sealing.sealed_columns(part, "person")),
        }
    )


def run(students: int = 100_000, days: int = 10, repeats: int = 2) -> dict[str, Any]:
    """Ingest the district's files ``repeats`` times sealed and plain (alternating); best times and ratios."""
    from bench_ingest import write_oneroster_export

    with tempfile.TemporaryDirectory(prefix="cg-bench-encryption-") as tmp:
        root = Path(tmp)
        info = write_oneroster_export(root / "export", students)
        events = write_attendance(root / "attendance.csv", students, days)
        mapping = root / "attendance.yaml"
        mapping.write_text(ATTENDANCE_MAPPING, encoding="utf-8")
        runs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
        for i in range(repeats):
            for sealed in (False, True):
                home = root / f"home-{i}-{'sealed' if sealed else 'plain'}"
                args = (str(root / "export"), str(root / "attendance.csv"), str(mapping), str(home), sealed)
                runs[sealed].append(in_child(_child, *args))
    ok = all(r["status"] == ["accepted", "accepted"] for rs in runs.values() for r in rs)
    sealed_right = all(r["sealed_on_disk"] for r in runs[True]) and not any(
        r["sealed_on_disk"] for r in runs[False]
    )

    def best(sealed: bool, *keys: str) -> float:
        return min(sum(r[k] for k in keys) for r in runs[sealed])

    total = ("roster_seconds", "attendance_seconds")
    ratio = best(True, *total) / best(False, *total)
    return {
        "benchmark": "encryption",
        "students": students,
        "attendance_rows": events,
        "export_bytes": info["bytes"],
        "rows": runs[True][0]["rows"],
        "plain_ingest_seconds": round(best(False, *total), 2),
        "sealed_ingest_seconds": round(best(True, *total), 2),
        "ingest_ratio": round(ratio, 3),
        "plain_roster_seconds": round(best(False, "roster_seconds"), 2),
        "sealed_roster_seconds": round(best(True, "roster_seconds"), 2),
        "roster_ratio": round(best(True, "roster_seconds") / best(False, "roster_seconds"), 3),
        "plain_read_person_seconds": round(best(False, "read_seconds"), 3),
        "sealed_read_person_seconds": round(best(True, "read_seconds"), 3),
        "read_ratio": round(best(True, "read_seconds") / best(False, "read_seconds"), 2),
        "read_rows": runs[True][0]["read_rows"],
        "names_readable_after_decrypt": all(r["names_readable"] for r in runs[True]),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "target_ratio": TARGET_RATIO,
        "passed": ok and sealed_right and ratio <= TARGET_RATIO,
    }


def main() -> int:
    """Print the figures as JSON; exit 1 when the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=10, help="school days of attendance per student")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    result = run(students=args.students, days=args.days, repeats=args.repeats)
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
