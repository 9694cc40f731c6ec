"""The current view: bulk rosters with deltas applied (latest row per key, tombstones removed), event batches
where a later row replaces an earlier one and tombstones delete. See ``dataplane`` for the definition."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commonground.ecosystem.models import Organization
from commonground.ingest import dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.canonical import schema
from commonground.ingest.connectors.sink import ParquetSink
from commonground.ingest.dataplane import Batch
from commonground.ingest.models import Submission
from tests.factories import OrganizationFactory

from .conftest import GRAND_BEND

pytestmark = pytest.mark.django_db

USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName\n"
)
ENROLLMENTS_HEADER = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,beginDate\n"
)


@pytest.fixture
def district() -> Organization:
    return OrganizationFactory(slug="grand-bend", kind="district")


def current(table: str, accepted: list[Batch] | None = None) -> list[dict[str, Any]]:
    con = dataplane.connect()
    try:
        rows: list[dict[str, Any]] = (
            dataplane.current_relation(con, table, accepted).to_arrow_table().to_pylist()
        )
        return rows
    finally:
        con.close()


def delta(folder: Path, users: list[str], enrollments: list[str]) -> Path:
    """A OneRoster delta export: users and enrollments as deltas, every other file absent."""
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1\noneroster.version,1.1\nfile.users,delta\n"
        "file.enrollments,delta\nfile.orgs,absent\nfile.academicSessions,absent\nfile.classes,absent\n"
        "file.courses,absent\nfile.demographics,absent\n",
        encoding="utf-8",
    )
    (folder / "users.csv").write_text(USERS_HEADER + "".join(u + "\n" for u in users), encoding="utf-8")
    (folder / "enrollments.csv").write_text(
        ENROLLMENTS_HEADER + "".join(e + "\n" for e in enrollments), encoding="utf-8"
    )
    return folder


def people() -> dict[str, str]:
    return {p["source_person_id"]: p["first_name"] for p in current("person")}


def enrolled() -> set[str]:
    return {e["source_person_id"] for e in current("enrollment")}


def test_oneroster_bulk_then_delta_then_delta(district: Organization, tmp_path: Path) -> None:
    bulk = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    assert bulk.delta_tables == [] and len(people()) == 8

    first = delta(
        tmp_path / "d1",
        users=[
            "604863,active,2024-09-03T10:00:00Z,true,255901001,student,m,,Maria,Archer",  # renamed
            "700001,active,2024-09-03T10:00:00Z,true,255901001,student,n,,Nora,New",  # added
            "604874,tobedeleted,2024-09-03T10:00:00Z,,,,,,,",  # left
        ],
        enrollments=[
            "e-new,active,2024-09-03T10:00:00Z,c1,255901001,700001,student,2020-08-20",
            "e-old,tobedeleted,2024-09-03T10:00:00Z,c1,255901001,604874,student,2020-08-17",
        ],
    )
    d1 = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[first])

    assert d1.status == "accepted", d1.report["issues"]
    assert d1.delta_tables == ["enrollment", "person"]
    assert d1.row_counts == {"person": 3, "enrollment": 2}
    got = people()
    assert len(got) == 8 and got["604863"] == "Maria" and got["700001"] == "Nora" and "604874" not in got
    assert enrolled() == set(got)

    second = delta(
        tmp_path / "d2",
        users=[
            "604874,active,2024-09-10T10:00:00Z,true,255901001,student,k,,Kyle,Hughes",  # back again
            "604863,active,2024-09-10T10:00:00Z,true,255901001,student,m,,Marie,Archer",  # renamed again
            "700001,tobedeleted,2024-09-10T10:00:00Z,,,,,,,",
        ],
        enrollments=[
            "e-back,active,2024-09-10T10:00:00Z,c1,255901001,604874,student,2020-09-01",
            "e-new,tobedeleted,2024-09-10T10:00:00Z,c1,255901001,700001,student,2020-08-20",
        ],
    )
    d2 = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[second])

    assert d2.status == "accepted", d2.report["issues"]
    got = people()
    assert len(got) == 8 and got["604863"] == "Marie" and got["604874"] == "Kyle" and "700001" not in got
    by_id = {p["source_person_id"]: p for p in current("person")}
    assert by_id["604863"]["submission_id"] == str(d2.pk) and by_id["604918"]["submission_id"] == str(bulk.pk)
    assert not [p for p in current("person") if p["record_status"] == "tobedeleted"]
    back = [e for e in current("enrollment") if e["source_person_id"] == "604874"]
    assert [(e["entry_date"], e["submission_id"]) for e in back] == [(dt.date(2020, 9, 1), str(d2.pk))]
    # A person's tombstone does not delete their enrollments: OneRoster deletes each file's rows on its own.
    assert enrolled() == set(got)
    # The organization and school tables had no delta: still the bulk's.
    assert {s["submission_id"] for s in current("school")} == {str(bulk.pk)}

    # A new bulk roster replaces the roster and every delta before it.
    renamed = tmp_path / "bulk2"
    renamed.mkdir()
    for f in GRAND_BEND.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        (renamed / f.name).write_text(text.replace(",Kyle,Hughes,", ",Kyle,Hughes-Lee,"), encoding="utf-8")
    bulk2 = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[renamed])
    assert bulk2.status == "accepted"
    assert people() == {p["source_person_id"]: p["first_name"] for p in current("person")}
    assert {p["submission_id"] for p in current("person")} == {str(bulk2.pk)}
    assert people()["604863"] == "Mary" and "700001" not in people()


def test_another_organizations_bulk_does_not_reset_this_ones_deltas(
    district: Organization, tmp_path: Path
) -> None:
    do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    d1 = delta(tmp_path / "d1", ["604874,tobedeleted,2024-09-03T10:00:00Z,,,,,,,"], [])
    do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[d1])
    other = OrganizationFactory(slug="other", kind="district")
    do_ingest(acting_user=None, organization=other, fmt="oneroster", paths=[GRAND_BEND])

    mine = [p for p in current("person") if p["source_org"] == "grand-bend"]
    theirs = [p for p in current("person") if p["source_org"] == "other"]
    assert (len(mine), len(theirs)) == (7, 8)


# Hand-made batches pin the rules down exactly, without a parser in between.


def _event(person: str, day: int, category: str, status: str | None = None, line: int = 2) -> dict[str, Any]:
    return {
        "source_org": "org",
        "source_person_id": person,
        "school_id": "100",
        "school_year": 2025,
        "date": dt.date(2024, 9, day),
        "category": category,
        "record_status": status,
        "source_file": "f.csv",
        "source_line": line,
    }


def publish(tmp_path: Path, sid: int, table: str, rows: list[dict[str, Any]], delta: bool = False) -> Batch:
    """Write rows as the accepted batch ``sid`` of organization ``org`` (as the publisher would)."""
    staging = tmp_path / f"stage-{sid}"
    sink = ParquetSink(staging, sid)
    sink.write(table, pa.Table.from_pylist(rows, schema=schema(table)))
    sink.close()
    target = dataplane.batch_dir(table, "org", sid)
    target.parent.mkdir(parents=True, exist_ok=True)
    (staging / table).rename(target)
    return Batch("org", sid, frozenset({table}) if delta else frozenset())


def test_events_later_rows_replace_earlier_and_tombstones_delete(tmp_path: Path) -> None:
    b1 = publish(tmp_path, 1, "attendance_event", [_event("s1", 3, "excused"), _event("s2", 3, "tardy")])
    b2 = publish(
        tmp_path,
        2,
        "attendance_event",
        [_event("s1", 3, "excused", "active", line=9), _event("s2", 3, "tardy", "tobedeleted")],
    )
    b3 = publish(tmp_path, 3, "attendance_event", [_event("s3", 4, "unexcused")])

    rows = current("attendance_event", [b1, b2, b3])
    assert sorted((r["source_person_id"], r["submission_id"], r["source_line"]) for r in rows) == [
        ("s1", "2", 9),
        ("s3", "3", 2),
    ]
    # Order is acceptance order, not submission number: b2 accepted first means b1 wins for s1 and s2.
    rows = current("attendance_event", [b2, b1, b3])
    assert sorted((r["source_person_id"], r["submission_id"]) for r in rows) == [
        ("s1", "1"),
        ("s2", "1"),
        ("s3", "3"),
    ]


def test_one_batch_keeps_its_rows_with_one_key_and_drops_its_tombstones(tmp_path: Path) -> None:
    rows = [
        _event("s1", 3, "excused"),
        _event("s1", 3, "excused", line=3),
        _event("s2", 3, "tardy", "tobedeleted"),
    ]
    b1 = publish(tmp_path, 1, "attendance_event", rows)
    assert [r["source_line"] for r in current("attendance_event", [b1])] == [2, 3]
    b2 = publish(tmp_path, 2, "attendance_event", [_event("s9", 3, "excused")])
    assert sorted(r["source_line"] for r in current("attendance_event", [b1, b2])) == [2, 2, 3]


def _person(pid: str, name: str, status: str | None = None) -> dict[str, Any]:
    return {"source_org": "org", "source_person_id": pid, "first_name": name, "record_status": status}


def test_roster_scope_starts_at_the_latest_bulk_batch(tmp_path: Path) -> None:
    b1 = publish(tmp_path, 1, "person", [_person("p1", "Ann"), _person("p2", "Bo")])
    b2 = publish(tmp_path, 2, "person", [_person("p2", "Bob", "active")], delta=True)
    b3 = publish(tmp_path, 3, "person", [_person("p3", "Cy")])  # a whole new roster
    b4 = publish(tmp_path, 4, "person", [_person("p3", "", "tobedeleted")], delta=True)

    def names(batches: list[Batch]) -> dict[str, str]:
        return {r["source_person_id"]: r["first_name"] for r in current("person", batches)}

    assert names([b1, b2]) == {"p1": "Ann", "p2": "Bob"}
    assert names([b1, b2, b3]) == {"p3": "Cy"}
    assert names([b1, b2, b3, b4]) == {}
    assert names([b2]) == {"p2": "Bob"}  # deltas without a bulk before them
    assert dataplane.current_files("person", [b1, b2, b3, b4]) == [
        dataplane.batch_dir("person", "org", sid) / dataplane.PART for sid in (3, 4)
    ]


def test_the_view_reads_the_manifest_order(district: Organization, tmp_path: Path) -> None:
    """Without ``accepted``, batches come from the accepted submissions, with their delta tables."""
    do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    d1 = delta(tmp_path / "d1", ["604874,tobedeleted,2024-09-03T10:00:00Z,,,,,,,"], [])
    sub = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[d1])
    batches = dataplane.accepted_batch_list()
    assert [b.submission_id for b in batches] == list(
        Submission.objects.order_by("decided_at", "id").values_list("id", flat=True)
    )
    assert batches[-1] == Batch("grand-bend", sub.pk, frozenset({"person"}))
