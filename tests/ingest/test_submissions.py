"""Submissions end to end, in process (so they run on SQLite and PostgreSQL): publish, dedupe, reject, crash."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import Organization
from commonground.ingest import actions, dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.models import Submission
from tests.factories import OrganizationFactory

from .conftest import EDFI_EXCERPT, GRAND_BEND

pytestmark = pytest.mark.django_db

ATTENDANCE_MAPPING = load_mapping(
    """
table: attendance_event
id_column: Student
columns: {school_id: School, date: Day, category: Code}
value_maps: {category: {A: unexcused, E: excused, T: tardy}}
date_formats: {date: ["%m/%d/%Y"]}
"""
)


@pytest.fixture
def district() -> Organization:
    return OrganizationFactory(slug="grand-bend", kind="district")


def current(table: str) -> list[tuple[Any, ...]]:
    """The current view of a table as sorted tuples of every column."""
    con = dataplane.connect()
    try:
        return sorted(dataplane.current_relation(con, table).fetchall(), key=repr)
    finally:
        con.close()


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """The current view of every roster and event table touched by these tests."""
    return {t: current(t) for t in ("person", "school", "enrollment", "organization", "attendance_event")}


def ingest(org: Organization, fmt: str, *paths: Path, **kwargs: Any) -> Submission:
    return do_ingest(acting_user=None, organization=org, fmt=fmt, paths=list(paths), **kwargs)


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _attendance_csv(path: Path, rows: list[str]) -> Path:
    path.write_text("Student,School,Day,Code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_grand_bend_is_accepted_with_its_counts(district: Organization) -> None:
    sub = ingest(district, "oneroster", GRAND_BEND)

    assert (sub.status, sub.is_duplicate) == ("accepted", False)
    assert sub.row_counts == {"organization": 2, "school": 1, "person": 8, "enrollment": 8}
    assert sub.semantics == "replace" and sub.dataset == "enrollment+organization+person+school"
    assert sub.report["summary"]["errors"] == 0 and sub.report["summary"]["warnings"] > 0
    assert sub.report["completeness"]["person"]["source_person_id"] == 1.0
    assert {f.name for f in sub.files.all()} >= {"oneroster-1.1-grand-bend/users.csv"}
    assert all(len(f.sha256) == 64 and f.size > 0 for f in sub.files.all())
    assert len(current("person")) == 8 and len(current("enrollment")) == 8
    con = dataplane.connect()
    rel = dataplane.current_relation(con, "person")
    assert rel.aggregate("min(submission_id), max(submission_id)").fetchall() == [(str(sub.pk), str(sub.pk))]
    assert AuditEvent.objects.filter(action="ingest.accept_submission", object_id=str(sub.pk)).count() == 1
    part = dataplane.batch_dir("person", "grand-bend", sub.pk) / dataplane.PART
    assert part.is_file()


def test_edfi_excerpt_is_accepted_with_its_counts(district: Organization) -> None:
    sub = ingest(district, "edfi-xml", EDFI_EXCERPT)

    assert sub.status == "accepted"
    assert sub.row_counts == {"person": 25, "attendance_event": 72}
    assert len(current("person")) == 25 and len(current("attendance_event")) == 72


def test_the_same_files_twice_make_one_submission(district: Organization) -> None:
    first = ingest(district, "oneroster", GRAND_BEND)
    before = snapshot()
    again = ingest(district, "oneroster", GRAND_BEND)

    assert again.pk == first.pk and again.is_duplicate
    assert Submission.objects.count() == 1
    assert snapshot() == before and len(current("person")) == 8


def test_the_same_files_from_another_organization_are_their_own_submission(district: Organization) -> None:
    other = OrganizationFactory(slug="other-district", kind="district")
    ingest(district, "oneroster", GRAND_BEND)
    sub = ingest(other, "oneroster", GRAND_BEND)
    assert sub.status == "accepted" and not sub.is_duplicate
    assert len(current("person")) == 16  # one current roster per organization


def test_a_bad_file_is_rejected_and_accepted_data_is_unchanged(
    district: Organization, grand_bend: Path
) -> None:
    ingest(district, "oneroster", GRAND_BEND)
    before = snapshot()
    _edit(grand_bend, "demographics.csv", "1997-01-18", "2023-02-30")

    sub = ingest(district, "oneroster", grand_bend)

    assert sub.status == "rejected"
    errors = [i for i in sub.report["issues"] if i["severity"] == "error"]
    assert errors[0]["code"] == "bad-date"
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == ("demographics.csv", 4, "birthDate")
    assert snapshot() == before
    assert not list(dataplane.data_dir().glob(f"batches/*/org=*/submission={sub.pk}"))
    assert AuditEvent.objects.filter(action="ingest.reject_submission", object_id=str(sub.pk)).exists()


def test_a_rejected_submission_can_be_fixed_and_resent(district: Organization, grand_bend: Path) -> None:
    _edit(grand_bend, "demographics.csv", "1997-01-18", "2023-02-30")
    assert ingest(district, "oneroster", grand_bend).status == "rejected"
    _edit(grand_bend, "demographics.csv", "2023-02-30", "1997-01-18")
    assert ingest(district, "oneroster", grand_bend).status == "accepted"


def test_a_crash_between_rename_and_commit_leaves_nothing_visible(
    district: Organization, grand_bend: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ingest(district, "oneroster", GRAND_BEND)
    edfi = ingest(district, "edfi-xml", EDFI_EXCERPT)
    before = snapshot()
    _edit(grand_bend, "users.csv", ",Mary,Archer,", ",Maria,Archer,")
    real_record = actions.audit.record

    def failing_commit(**kwargs: Any) -> Any:
        if kwargs["action"] == "ingest.accept_submission":
            raise RuntimeError("simulated crash: the database commit failed")
        return real_record(**kwargs)

    monkeypatch.setattr(actions.audit, "record", failing_commit)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest(district, "oneroster", grand_bend)
    monkeypatch.setattr(actions.audit, "record", real_record)

    crashed = Submission.objects.exclude(pk__in=[first.pk, edfi.pk]).get()
    assert crashed.status != "accepted"
    orphans = list(dataplane.data_dir().glob(f"batches/*/org=grand-bend/submission={crashed.pk}"))
    assert orphans, "the rename happened before the failed commit"
    assert snapshot() == before, "a batch without an accepted manifest row is never visible"

    removed = dataplane.recover()

    assert sorted(removed) == sorted(orphans)
    assert not any(p.exists() for p in orphans)
    assert snapshot() == before
    for sub in (first, edfi):
        assert list(dataplane.data_dir().glob(f"batches/*/org=grand-bend/submission={sub.pk}"))


def test_recover_removes_staging_leftovers(district: Organization) -> None:
    sub = ingest(district, "oneroster", GRAND_BEND)
    leftover = dataplane.data_dir() / ".staging" / "dead" / "person"
    leftover.mkdir(parents=True)
    (leftover / dataplane.PART).write_bytes(b"half a file")

    dataplane.recover()

    assert not (dataplane.data_dir() / ".staging" / "dead").exists()
    assert dataplane.batch_dir("person", "grand-bend", sub.pk).exists()


def test_a_second_roster_replaces_the_first(district: Organization, grand_bend: Path) -> None:
    first = ingest(district, "oneroster", GRAND_BEND)
    _edit(grand_bend, "users.csv", ",Mary,Archer,", ",Maria,Archer,")
    second = ingest(district, "oneroster", grand_bend)

    assert second.status == "accepted" and second.pk != first.pk
    con = dataplane.connect()
    people = dataplane.current_relation(con, "person")
    assert people.count("*").fetchall() == [(8,)]
    assert set(people.project("submission_id").distinct().fetchall()) == {(str(second.pk),)}
    names = {r[0] for r in people.project("first_name").fetchall()}
    assert "Maria" in names and "Mary" not in names


def test_attendance_submissions_add_up(district: Organization, tmp_path: Path) -> None:
    week1 = _attendance_csv(tmp_path / "week1.csv", ["s1,100,09/03/2024,A", "s2,100,09/03/2024,T"])
    week2 = _attendance_csv(tmp_path / "week2.csv", ["s1,100,09/10/2024,E"])

    first = ingest(district, "tabular", week1, mapping=ATTENDANCE_MAPPING)
    second = ingest(district, "tabular", week2, mapping=ATTENDANCE_MAPPING)

    assert (first.status, second.status, second.semantics) == ("accepted", "accepted", "append")
    con = dataplane.connect()
    events = dataplane.current_relation(con, "attendance_event")
    got = sorted(events.project("source_person_id, category, submission_id").fetchall())
    assert got == [
        ("s1", "excused", str(second.pk)),
        ("s1", "unexcused", str(first.pk)),
        ("s2", "tardy", str(first.pk)),
    ]


def test_an_empty_submission_is_rejected(district: Organization, tmp_path: Path) -> None:
    empty = _attendance_csv(tmp_path / "empty.csv", [])
    sub = ingest(district, "tabular", empty, mapping=ATTENDANCE_MAPPING)
    assert sub.status == "rejected"
    assert sub.report["summary"]["errors"] >= 1
    assert current("attendance_event") == []


def test_a_different_mapping_is_a_different_submission(district: Organization, tmp_path: Path) -> None:
    week1 = _attendance_csv(tmp_path / "week1.csv", ["s1,100,09/03/2024,A"])
    other = load_mapping(
        """
table: attendance_event
id_column: Student
columns: {school_id: School, date: Day, category: Code}
value_maps: {category: {A: excused}}
date_formats: {date: ["%m/%d/%Y"]}
"""
    )
    a = ingest(district, "tabular", week1, mapping=ATTENDANCE_MAPPING)
    b = ingest(district, "tabular", week1, mapping=other)
    assert a.pk != b.pk and a.fingerprint != b.fingerprint


def test_an_ingest_that_died_is_closed_as_interrupted_by_the_next_one() -> None:
    """A manifest row left "received" by a killed process is rejected as interrupted; a running one is left alone."""
    from django.utils import timezone

    from commonground.ingest.actions import close_interrupted

    org = OrganizationFactory(slug="riverbend", kind="district")
    dead = Submission.objects.create(
        organization=org,
        format="oneroster",
        submitted_at=timezone.now(),
        fingerprint="x" * 64,
        staging="gone",
    )
    with dataplane.staging_area() as live_folder:
        live = Submission.objects.create(
            organization=org, format="oneroster", submitted_at=timezone.now(), fingerprint="y" * 64,
            staging=live_folder.name,
        )  # fmt: skip
        with dataplane.publish_lock():
            dataplane.recover()
            assert close_interrupted() == [dead.pk]
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == "rejected" and dead.report["issues"][0]["code"] == "interrupted"
    assert live.status == "received"
