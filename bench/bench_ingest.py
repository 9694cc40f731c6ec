"""Benchmark of ingest: a 10-million-row attendance CSV against DuckDB's own CSV → Parquet, and Ed-Fi XML rows/s.

Run ``python bench/bench_ingest.py --rows 10000000``; ``bench/run.py --only ingest`` imports :func:`run`.

- The CSV is a partner's own layout (student id, school, date as M/D/YYYY, status words) with its YAML mapping,
  generated deterministically with numpy and pyarrow.
- Baseline, in the same run: DuckDB's ``COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet)`` of the file.
- Ours: :func:`commonground.ingest.actions.do_ingest` of the same file (hash, parse, convert, validate, stage,
  publish, commit) on a fresh hub home with SQLite.
- Ed-Fi: ``parse_edfi_xml`` (with validation) of the synthetic district's XML files.
- OneRoster memory: a generated OneRoster export (``--oneroster-students``, 1,000,000 for the full check; users,
  demographics, two class enrollments each) ingested through ``do_ingest``, and the same students as one tabular
  CSV: peak RSS of each, and their ratio (the OneRoster reader streams users and enrollments).

Each measurement runs in its own child process, which reports its own wall time and peak RSS, so the figures
are per run; baseline and ingest alternate and the best time of each counts. Targets: ours / DuckDB ≤ 2.0 and
ours under 1.5 GB peak RSS. CPU seconds (all threads) and their ratio are reported too, for information: on a
shared machine they move less with other processes' load than wall time does.
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

from children import in_child, peak_rss

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


ONEROSTER_FILES = {
    "orgs": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "academicSessions": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear",
    "courses": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId",
    "classes": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds",
    "users": "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,"
    "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password",
    "demographics": "sourcedId,status,dateLastModified,birthDate,sex",
    "enrollments": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,"
    "beginDate,endDate",
}
FIRST = tuple("Ana Ben Cleo Dev Eli Fay Gus Hana Ivo Jun Kai Lia Mo Nia Oz".split())  # noqa: SIM905 - short
LAST = ("Diaz", "Lee", "Nash", "Okafor", "Patel", "Quinn", "Rossi", "Smith", "Tran", "Ueda", "Vega", "Wu")


def write_oneroster_export(
    folder: Path, students: int, seed: int = 7, classes_per_student: int = 2
) -> dict[str, Any]:
    """A OneRoster 1.1 bulk export of ``students`` students (and a teacher per 25) in 10 schools, with
    demographics and ``classes_per_student`` class enrollments each at the student's school (one enrollment spell
    per student); and the same students as one tabular CSV (``people.csv``, for the tabular path's memory)."""
    import random

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    schools = [f"sch{i}" for i in range(10)]
    classes = [(f"cls{i}", schools[i % 10], f"crs{i % 20}") for i in range(200)]
    out = {name: (folder / f"{name}.csv").open("w", encoding="utf-8") for name in ONEROSTER_FILES}
    people = (folder.parent / "people.csv").open("w", encoding="utf-8")
    try:
        for name, header in ONEROSTER_FILES.items():
            out[name].write(header + "\n")
        out["orgs"].write("dist,active,,Bench District,district,,\n")
        out["orgs"].writelines(f"{s},active,,School {s},school,,dist\n" for s in schools)
        out["academicSessions"].write("y2025,active,,2024-2025,schoolYear,2024-08-26,2025-06-13,,2025\n")
        out["academicSessions"].write("t1,active,,Fall,term,2024-08-26,2025-01-17,y2025,2025\n")
        out["courses"].writelines(f"crs{i},active,,y2025,Course {i},C{i},09,dist\n" for i in range(20))
        out["classes"].writelines(
            f"{c},active,,Class {c},09,{k},{c},scheduled,,{s},t1\n" for c, s, k in classes
        )
        people.write("Student ID,First,Last,Birth date,Grade,School\n")
        for i in range(students):
            uid, first, last = f"u{i:07d}", FIRST[rng.randrange(15)], LAST[rng.randrange(12)]
            school = schools[i % 10]
            birth = f"{2008 + rng.randrange(6)}-{1 + rng.randrange(12):02d}-{1 + rng.randrange(28):02d}"
            out["users"].write(
                f"{uid},active,,true,{school},student,{first}.{last}{i},{{Local:{i}}},{first},{last},,,"
                f"{first}.{last}{i}@example.org,,,,09,\n"
            )
            out["demographics"].write(f"{uid},active,,{birth},{rng.choice(('female', 'male'))}\n")
            for k in range(classes_per_student):  # classes of the student's own school (every 10th class)
                cls, cls_school, _course = classes[(i % 10 + 10 * ((i * 7 + k * 13) % 20)) % 200]
                out["enrollments"].write(
                    f"e{i}-{k},active,,{cls},{cls_school},{uid},student,,2024-08-26,2025-01-17\n"
                )
            people.write(f"{uid},{first},{last},{birth},09,{school}\n")
            if i % 25 == 0:
                out["users"].write(f"t{i:07d},active,,true,{school},teacher,t{i},,Teach,Er{i},,,,,,,,\n")
    finally:
        for fh in out.values():
            fh.close()
        people.close()
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1\noneroster.version,1.1\n"
        + "".join(f"file.{name},bulk\n" for name in ONEROSTER_FILES),
        encoding="utf-8",
    )
    return {"students": students, "bytes": sum(f.stat().st_size for f in folder.iterdir())}


PEOPLE_MAPPING = """\
table: person
id_column: Student ID
columns: {first_name: First, last_name: Last, birth_date: Birth date, grade_level: Grade, school_id: School}
"""


def _duckdb_child(csv: str, out: str, queue: Any) -> None:
    import duckdb

    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    t0, c0 = time.perf_counter(), time.process_time()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{out}' (FORMAT parquet)")  # noqa: S608 - our temp paths
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [out]).fetchall()[0]
    queue.put(
        {"seconds": seconds, "cpu_seconds": cpu, "rows": rows[0] if rows else 0, "peak_rss_bytes": peak_rss()}
    )


def _ingest_child(csv: str, mapping: str, home: str, queue: Any) -> None:
    os.environ.pop("DATABASE_URL", None)  # the embedded default: SQLite in the hub's home
    from commonground.cli.bootstrap import setup_django

    setup_django(Path(home), migrate=True)
    from commonground.ecosystem.models import Organization
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import load_mapping

    org = Organization.objects.create(slug="afterschool", name="After School", kind="nonprofit")
    t0, c0 = time.perf_counter(), time.process_time()
    sub = do_ingest(
        acting_user=None,
        organization=org,
        fmt="tabular",
        paths=[Path(csv)],
        mapping=load_mapping(Path(mapping)),
    )
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    queue.put(
        {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "status": sub.status,
            "rows": sub.row_counts.get("attendance_event", 0),
            "errors": sub.report["summary"]["errors"],
            "peak_rss_bytes": peak_rss(),
        }
    )


def _oneroster_child(folder: str, home: str, fmt: str, mapping: str, queue: Any) -> None:
    """Ingest a OneRoster export (``fmt`` oneroster) or the same students as one tabular CSV (``tabular``)."""
    os.environ.pop("DATABASE_URL", None)
    from commonground.cli.bootstrap import setup_django

    setup_django(Path(home), migrate=True)
    from commonground.ecosystem.models import Organization
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import load_mapping

    org = Organization.objects.create(slug="district", name="District", kind="district")
    t0 = time.perf_counter()
    sub = do_ingest(
        acting_user=None,
        organization=org,
        fmt=fmt,
        paths=[Path(folder)],
        mapping=load_mapping(mapping) if mapping else None,
    )
    queue.put(
        {
            "seconds": time.perf_counter() - t0,
            "status": sub.status,
            "rows": sub.row_counts,
            "errors": sub.report["summary"]["errors"],
            "peak_rss_bytes": peak_rss(),
        }
    )


def run_oneroster(students: int, seed: int = 7) -> dict[str, Any]:
    """Peak memory of a OneRoster export of ``students`` students (streamed users and enrollments) against the
    tabular CSV path ingesting the same students, each in its own child process in this run."""
    with tempfile.TemporaryDirectory(prefix="cg-bench-oneroster-") as tmp:
        root = Path(tmp)
        info = write_oneroster_export(root / "export", students, seed)
        roster = in_child(_oneroster_child, str(root / "export"), str(root / "home-or"), "oneroster", "")
        tabular = in_child(
            _oneroster_child, str(root / "people.csv"), str(root / "home-tab"), "tabular", PEOPLE_MAPPING
        )
    return {
        "students": students,
        "export_bytes": info["bytes"],
        "oneroster_status": roster["status"],
        "oneroster_rows": roster["rows"],
        "oneroster_seconds": round(roster["seconds"], 2),
        "oneroster_peak_rss_mb": round(roster["peak_rss_bytes"] / 1024**2, 1),
        "tabular_status": tabular["status"],
        "tabular_seconds": round(tabular["seconds"], 2),
        "tabular_peak_rss_mb": round(tabular["peak_rss_bytes"] / 1024**2, 1),
        "peak_rss_ratio_vs_tabular": round(roster["peak_rss_bytes"] / tabular["peak_rss_bytes"], 2),
    }


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
            "peak_rss_bytes": peak_rss(),
        }
    )


def run_edfi(students: int = 20_000, seed: int = 7) -> dict[str, Any]:
    """Ed-Fi XML parse throughput (canonical rows per second) on the generator's district of ``students``."""
    from commonground.demo.generator import GeneratorConfig, generate

    with tempfile.TemporaryDirectory(prefix="cg-bench-edfi-") as tmp:
        generate(GeneratorConfig(students=students, seed=seed, out_dir=Path(tmp)))
        folder = str(Path(tmp) / "district" / "edfi")
        got = in_child(_edfi_child, folder, False)
        exact = in_child(_edfi_child, folder, True)
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
    rows: int = 10_000_000,
    edfi_students: int = 20_000,
    seed: int = 7,
    repeats: int = 3,
    oneroster_students: int = 50_000,
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
            duck.append(in_child(_duckdb_child, str(csv), str(root / f"duckdb-{attempt}.parquet")))
            ours.append(in_child(_ingest_child, str(csv), str(mapping), str(root / f"home-{attempt}")))
    edfi = run_edfi(edfi_students, seed) if edfi_students else {}
    oneroster = run_oneroster(oneroster_students, seed) if oneroster_students else {}
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
        # CPU seconds of every thread: less sensitive than wall time to other work on a shared machine.
        "duckdb_cpu_seconds": round(min(d["cpu_seconds"] for d in duck), 2),
        "ingest_cpu_seconds": round(min(o["cpu_seconds"] for o in ours), 2),
        "cpu_ratio_vs_duckdb": round(
            min(o["cpu_seconds"] for o in ours) / min(d["cpu_seconds"] for d in duck), 3
        ),
        "edfi_xml": edfi,
        "oneroster": oneroster,
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
    parser.add_argument(
        "--oneroster-students",
        type=int,
        default=50_000,
        help="OneRoster memory check (1000000 for the full one)",
    )
    args = parser.parse_args(argv)
    result = run(args.rows, args.edfi_students, args.seed, args.repeats, args.oneroster_students)
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
