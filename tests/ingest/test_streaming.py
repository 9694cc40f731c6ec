"""Ingest at scale: a big partner CSV streams through with bounded memory, errors deep in it are located exactly,
and, with quarantine off, one bad row anywhere still rejects the whole submission with nothing published."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from commonground.ecosystem.models import Organization
from commonground.ingest import actions, dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors import csvblocks
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.models import Submission
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

ROWS = 1_000_000
DAYS = 50
MAPPING = load_mapping(
    """
table: attendance_event
id_column: Student ID
columns: {school_id: School, date: Date, category: Status}
date_formats: {date: ["%m/%d/%Y"]}
value_maps: {category: {P: in_attendance, A: unexcused, E: excused, T: tardy}}
"""
)


def write_attendance(path: Path, rows: int = ROWS) -> Path:
    """``rows`` attendance rows (every student on each of 50 days), fast and the same every time."""
    students = -(-rows // DAYS)
    i = np.arange(rows, dtype=np.int64)
    dates = pa.array([f"9/{d + 1}/2024" if d < 30 else f"10/{d - 29}/2024" for d in range(DAYS)])
    table = pa.table(
        {
            "id": pa.array(i % students + 10_000).cast(pa.string()),
            "school": pa.array(i % students % 7 + 100).cast(pa.string()),
            "date": dates.take(pa.array((i // students).astype(np.int32))),
            "status": pa.array(["P", "A", "E", "T"]).take(pa.array((i * 7919 % 97 % 4).astype(np.int32))),
        }
    )
    with path.open("wb") as out:
        out.write(b"Student ID,School,Date,Status\n")
        pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return path


def replace_line(path: Path, line: int, text: bytes) -> None:
    """Put ``text`` in place of line ``line`` (1-based; the header is line 1)."""
    data = path.read_bytes()
    start = 0
    for _ in range(line - 1):
        start = data.index(b"\n", start) + 1
    end = data.index(b"\n", start)
    path.write_bytes(data[:start] + text + data[end:])


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_attendance(tmp_path_factory.mktemp("big") / "daily_attendance.csv")


@pytest.fixture
def partner() -> Organization:
    return OrganizationFactory(slug="afterschool", kind="nonprofit")


def ingest(org: Organization, path: Path) -> Submission:
    return do_ingest(acting_user=None, organization=org, fmt="tabular", paths=[path], mapping=MAPPING)


def published(sub: Submission) -> list[Path]:
    return sorted(dataplane.data_dir().glob(f"batches/*/org=*/submission={sub.pk}"))


def test_a_million_rows_stream_through_with_bounded_arrow_memory(
    big_csv: Path, partner: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old ingest held the whole canonical table; streaming holds a few blocks at a time."""
    monkeypatch.setattr(csvblocks, "BLOCK_BYTES", 1024 * 1024)  # ~35,000 rows a block, so a million is many
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], pa.total_allocated_bytes())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample)
    base = pa.total_allocated_bytes()
    sampler.start()
    try:
        sub = ingest(partner, big_csv)
    finally:
        done.set()
        sampler.join()

    assert (sub.status, sub.row_counts) == ("accepted", {"attendance_event": ROWS})
    (folder,) = published(sub)
    whole = pq.read_table(folder / dataplane.PART)
    assert whole.num_rows == ROWS and whole.schema.field("category").type == pa.string()
    assert whole.column("source_line").to_pylist()[-1] == ROWS + 1
    in_memory = whole.nbytes  # what holding the table at once costs (the old way)
    assert peak[0] - base < in_memory / 4, (peak[0] - base, in_memory)
    assert sub.report["completeness"]["attendance_event"]["source_person_id"] == 1.0


def test_an_error_deep_in_a_big_file_names_its_line(
    big_csv: Path, partner: Organization, tmp_path: Path
) -> None:
    path = tmp_path / "daily_attendance.csv"
    path.write_bytes(big_csv.read_bytes())
    replace_line(path, 700_001, b"13999,103,13/45/2024,P")
    replace_line(
        path, 900_001, b"14000,104,10/1/2024,P,surprise"
    )  # a field too many: that block goes row by row

    sub = ingest(partner, path)

    assert sub.status == "rejected"
    errors = [i for i in sub.report["issues"] if i["severity"] == "error"]
    assert [(e["code"], e["line"], e["column"], e["value"]) for e in errors] == [
        ("bad-date", 700_001, "Date", "13/45/2024"),
        ("extra-field", 900_001, "field 5", "surprise"),
        ("missing-value", 700_001, "Date", None),  # validation: the date is required, and it has none
    ]
    assert sub.report["summary"]["rows_read"] == {"daily_attendance.csv": ROWS}
    assert not published(sub)


def test_a_bad_row_in_the_last_block_rejects_everything(
    big_csv: Path, partner: Organization, tmp_path: Path, settings: Any
) -> None:
    settings.COMMONGROUND_QUARANTINE_MAX_ROWS = 0  # no quarantine: one bad row rejects (test_quarantine.py)
    first = ingest(partner, write_attendance(tmp_path / "week1.csv", 1000))
    before = dataplane.current_files("attendance_event")
    path = tmp_path / "daily_attendance.csv"
    path.write_bytes(big_csv.read_bytes().rstrip(b"\n") + b"\n99999,100,9/1/2024,Unicorn\n")

    sub = ingest(partner, path)

    assert (first.status, sub.status) == ("accepted", "rejected")
    errors = [(i["code"], i["line"], i["value"]) for i in sub.report["issues"] if i["severity"] == "error"]
    assert errors == [("bad-value", ROWS + 2, "Unicorn"), ("missing-value", ROWS + 2, None)]
    assert not published(sub)
    assert not list((dataplane.data_dir() / ".staging").iterdir())  # the staged batch was removed too
    assert dataplane.current_files("attendance_event") == before


def test_quoted_line_breaks_keep_line_numbers_exact(partner: Organization, tmp_path: Path) -> None:
    """A quote hands the rest of the file to the exact reader, which counts a quoted line break as a line."""
    path = write_attendance(tmp_path / "daily_attendance.csv", 100_000)
    replace_line(path, 3, b'"10001\nstill the id",100,9/1/2024,P')
    replace_line(path, 90_001, b"10000,100,9/31/2024,P")  # the 90,001st line, counting the quoted break

    sub = ingest(partner, path)

    errors = [i for i in sub.report["issues"] if i["severity"] == "error"]
    assert [(e["code"], e["line"]) for e in errors] == [("bad-date", 90_001), ("missing-value", 90_001)]


def test_a_duplicate_starts_no_parse(
    partner: Organization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same files again are recognised by their hashes before anything is parsed or staged (however slow
    the hashing), and the call returns the accepted submission."""
    path = write_attendance(tmp_path / "week1.csv", 1000)
    first = ingest(partner, path)
    real = actions.sha256_file

    def slow(p: Path) -> str:
        time.sleep(0.3)
        return real(p)

    def give_up(*_args: object) -> None:
        raise TimeoutError("the ingest of a duplicate did not return")

    monkeypatch.setattr(actions, "sha256_file", slow)
    monkeypatch.setattr(actions, "parse", lambda *_a, **_k: pytest.fail("a duplicate was parsed"))
    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(30)
    try:
        again = ingest(partner, path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)

    assert (again.pk, again.is_duplicate) == (first.pk, True)
    assert Submission.objects.count() == 1
    assert not list((dataplane.data_dir() / ".staging").iterdir())
