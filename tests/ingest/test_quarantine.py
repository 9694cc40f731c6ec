"""Thresholds and quarantine: a few bad rows are held back and the rest published; more, or a structural
error, reject; quarantined rows are downloaded, corrected and sent back on their own."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from pytest_django.fixtures import Settings

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import Organization
from commonground.ingest import dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.fixes import FixesError, quarantine_csv
from commonground.ingest.models import Submission
from commonground.ingest.policy import do_set_ingest_policy, limits_getter
from tests.factories import InformationSystemFactory, OrganizationFactory

from .conftest import GRAND_BEND

pytestmark = pytest.mark.django_db

ATTENDANCE = load_mapping(
    """
table: attendance_event
id_column: Student
columns: {school_id: School, date: Day, category: Code}
value_maps: {category: {A: unexcused, E: excused, T: tardy}}
date_formats: {date: ["%m/%d/%Y"]}
"""
)


@pytest.fixture
def partner() -> Organization:
    return OrganizationFactory(slug="north-high", kind="school")


def attendance(path: Path, rows: int, bad: dict[int, str] | None = None) -> Path:
    """``rows`` attendance rows (student s<i>, one day each); ``bad`` replaces the date of some rows."""
    lines = ["Student,School,Day,Code"]
    for i in range(rows):
        day = (bad or {}).get(i, f"09/{1 + i % 28:02d}/2024")
        lines.append(f"s{i},100,{day},A")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest(org: Organization, *paths: Path, **kwargs: Any) -> Submission:
    kwargs.setdefault("fmt", "tabular")
    kwargs.setdefault("mapping", ATTENDANCE if kwargs["fmt"] == "tabular" else None)
    return do_ingest(acting_user=None, organization=org, paths=list(paths), **kwargs)


def current(table: str) -> list[dict[str, Any]]:
    con = dataplane.connect()
    try:
        rows: list[dict[str, Any]] = dataplane.current_relation(con, table).to_arrow_table().to_pylist()
        return rows
    finally:
        con.close()


def download(sub: Submission, table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(quarantine_csv(sub, table)))))


def test_a_few_bad_rows_are_quarantined_and_the_rest_published(partner: Organization, tmp_path: Path) -> None:
    sub = ingest(partner, attendance(tmp_path / "a.csv", 300, bad={7: "13/45/2024"}))

    assert (sub.status, sub.quarantined_rows) == ("accepted", 1)
    assert sub.row_counts == {"attendance_event": 299}
    assert sub.report["summary"]["quarantined"] == {"attendance_event": 1}
    assert sub.report["summary"]["errors"] == 2  # the bad date, and then the date it lacks
    got = current("attendance_event")
    assert len(got) == 299 and "s7" not in {r["source_person_id"] for r in got}
    held = dataplane.quarantine_dir("attendance_event", "north-high", sub.pk) / dataplane.PART
    assert held.is_file()
    (row,) = download(sub, "attendance_event")
    assert (row["source_person_id"], row["original_file"], row["original_line"]) == ("s7", "a.csv", "9")
    assert "13/45/2024" in row["problem"] and "[bad-date]" in row["problem"]
    event = AuditEvent.objects.get(action="ingest.accept_submission", object_id=str(sub.pk))
    assert event.details["quarantined"] == {"attendance_event": 1}


def test_quarantined_rows_are_fixed_and_sent_back_alone(partner: Organization, tmp_path: Path) -> None:
    sub = ingest(partner, attendance(tmp_path / "a.csv", 300, bad={7: "13/45/2024"}))
    rows = download(sub, "attendance_event")
    rows[0]["date"] = "2024-09-13"
    fixed = tmp_path / "fixed.csv"
    with fixed.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    fix = ingest(partner, fixed, fixes_for=sub)

    assert (fix.status, fix.fixes_for_id, fix.row_counts) == ("accepted", sub.pk, {"attendance_event": 1})
    assert fix.format == "tabular" and not fix.report["not_kept"]
    got = current("attendance_event")
    assert len(got) == 300
    (s7,) = [r for r in got if r["source_person_id"] == "s7"]
    assert str(s7["date"]) == "2024-09-13" and s7["submission_id"] == str(fix.pk)
    assert list(sub.fixes.all()) == [fix]
    # The same fix again publishes nothing; a fix of a row that is already current is refused.
    assert ingest(partner, fixed, fixes_for=sub).is_duplicate
    again = tmp_path / "again.csv"
    again.write_text(
        fixed.read_text(encoding="utf-8").replace("problem", "problem ") + "\n", encoding="utf-8"
    )
    repeat = ingest(partner, again, fixes_for=sub)
    assert repeat.status == "rejected"
    assert [i["code"] for i in repeat.report["issues"] if i["severity"] == "error"] == ["duplicate-key"]


def test_fixes_must_name_a_submission_of_the_same_organization_with_quarantined_rows(
    partner: Organization, tmp_path: Path
) -> None:
    clean = ingest(partner, attendance(tmp_path / "a.csv", 10))
    other = OrganizationFactory(slug="south-high", kind="school")
    with pytest.raises(FixesError, match="no quarantined rows"):
        ingest(partner, tmp_path / "a.csv", fixes_for=clean)
    with pytest.raises(FixesError, match="not from south-high"):
        ingest(other, tmp_path / "a.csv", fixes_for=clean)


def test_a_fix_file_with_other_columns_is_rejected(partner: Organization, tmp_path: Path) -> None:
    sub = ingest(partner, attendance(tmp_path / "a.csv", 300, bad={7: "13/45/2024"}))
    fix = ingest(partner, tmp_path / "a.csv", fixes_for=sub)  # the original file, not the download
    assert fix.status == "rejected"
    assert fix.report["issues"][0]["code"] == "not-a-fix-file"


def test_too_many_bad_rows_reject_with_the_policy_named(partner: Organization, tmp_path: Path) -> None:
    bad = dict.fromkeys((1, 2, 3, 4), "13/45/2024")  # 4 of 300 is 1.3%: above the default 1%
    before = current("attendance_event")
    sub = ingest(partner, attendance(tmp_path / "a.csv", 300, bad=bad))

    assert (sub.status, sub.quarantined_rows) == ("rejected", 0)
    assert sub.report["summary"]["quarantined"] == {}
    assert sub.report["notes"][0] == (
        "rejected, not quarantined: attendance_event: 4 of 300 rows have errors; "
        "the ingest policy quarantines at most 100 rows and 1% of a table's rows"
    )
    assert current("attendance_event") == before
    assert not list(dataplane.data_dir().glob(f"quarantine/*/org=*/submission={sub.pk}"))


def test_a_policy_for_the_organization_raises_the_threshold(partner: Organization, tmp_path: Path) -> None:
    do_set_ingest_policy(
        acting_user=None, organization=partner, table="attendance_event", max_rows=10, max_percent=5
    )
    bad = dict.fromkeys((1, 2, 3, 4), "13/45/2024")
    sub = ingest(partner, attendance(tmp_path / "a.csv", 300, bad=bad))
    assert (sub.status, sub.quarantined_rows) == ("accepted", 4)
    assert [r["source_person_id"] for r in download(sub, "attendance_event")] == ["s1", "s2", "s3", "s4"]
    assert AuditEvent.objects.filter(action="ingest.set_policy").count() == 1


def test_the_most_specific_policy_wins(partner: Organization, settings: Settings) -> None:
    settings.COMMONGROUND_QUARANTINE_MAX_ROWS = 7
    sis = InformationSystemFactory(organization=partner, name="SIS", kind="sis")
    other = OrganizationFactory(slug="elsewhere", kind="school")
    assert limits_getter(partner, sis)("person").max_rows == 7
    do_set_ingest_policy(acting_user=None, organization=None, max_rows=1, max_percent=1)
    do_set_ingest_policy(acting_user=None, organization=partner, max_rows=2, max_percent=1)
    do_set_ingest_policy(acting_user=None, organization=partner, system=sis, max_rows=3, max_percent=1)
    do_set_ingest_policy(acting_user=None, organization=partner, table="person", max_rows=4, max_percent=1)
    do_set_ingest_policy(
        acting_user=None, organization=partner, system=sis, table="person", max_rows=5, max_percent=1
    )
    do_set_ingest_policy(
        acting_user=None, organization=partner, max_rows=6, max_percent=2
    )  # updates in place

    assert limits_getter(partner, sis)("person").max_rows == 5
    assert limits_getter(partner, sis)("school").max_rows == 3
    assert limits_getter(partner, None)("person").max_rows == 4
    assert limits_getter(partner, None)("school").max_rows == 6
    assert limits_getter(other, None)("school").max_rows == 1
    with pytest.raises(ValidationError, match="unknown canonical table"):
        do_set_ingest_policy(
            acting_user=None, organization=partner, table="people", max_rows=1, max_percent=1
        )
    with pytest.raises(ValidationError, match="belong"):
        do_set_ingest_policy(acting_user=None, organization=other, system=sis, max_rows=1, max_percent=1)


def test_structural_errors_always_reject(partner: Organization, tmp_path: Path) -> None:
    do_set_ingest_policy(acting_user=None, organization=partner, max_rows=1000, max_percent=100)
    path = attendance(tmp_path / "a.csv", 300)
    path.write_text(path.read_text(encoding="utf-8").replace("Student,", "Pupil,", 1), encoding="utf-8")
    sub = ingest(partner, path)
    assert (sub.status, sub.quarantined_rows) == ("rejected", 0)
    assert [i["code"] for i in sub.report["issues"] if i["severity"] == "error"] == ["missing-column"]
    assert current("attendance_event") == []


def test_an_error_without_a_row_rejects(partner: Organization, tmp_path: Path) -> None:
    do_set_ingest_policy(acting_user=None, organization=partner, max_rows=1000, max_percent=100)
    good = attendance(tmp_path / "a.csv", 300)
    empty = tmp_path / "b.csv"
    empty.write_bytes(b"")
    sub = ingest(partner, good, empty)
    assert sub.status == "rejected"
    assert sub.report["notes"][0] == "rejected, not quarantined: 1 error(s) concern a whole file, not a row"


def test_a_row_that_cannot_be_read_is_not_quarantined(partner: Organization, tmp_path: Path) -> None:
    do_set_ingest_policy(acting_user=None, organization=partner, max_rows=1000, max_percent=100)
    path = attendance(tmp_path / "a.csv", 300)
    text = path.read_text(encoding="utf-8").replace("s5,100,09/06/2024,A", "s5,100,09/06/2024,A,extra")
    path.write_text(text, encoding="utf-8")
    sub = ingest(partner, path)
    assert sub.status == "rejected"
    assert sub.report["notes"][0].startswith("rejected, not quarantined: 1 error(s) are not on a row")
    assert "a.csv, line 7" in sub.report["notes"][0]


def test_duplicate_keys_quarantine_every_row_of_the_key(partner: Organization, tmp_path: Path) -> None:
    do_set_ingest_policy(acting_user=None, organization=partner, max_rows=10, max_percent=5)
    path = attendance(tmp_path / "a.csv", 300)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("s3,100,09/04/2024,A\n")  # the same student, school, day and category as line 5
    sub = ingest(partner, path)
    assert (sub.status, sub.quarantined_rows, sub.row_counts) == ("accepted", 2, {"attendance_event": 299})
    lines = sorted(int(r["original_line"]) for r in download(sub, "attendance_event"))
    assert lines == [5, 302]


def test_a_oneroster_bad_birth_date_quarantines_the_student(grand_bend: Path, settings: Settings) -> None:
    settings.COMMONGROUND_QUARANTINE_MAX_PERCENT = 20
    district = OrganizationFactory(slug="grand-bend", kind="district")
    path = grand_bend / "demographics.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("1997-01-18", "2023-02-30", 1), encoding="utf-8")

    sub = ingest(district, grand_bend, fmt="oneroster")

    assert (sub.status, sub.quarantined_rows) == ("accepted", 1)
    assert sub.row_counts["person"] == 7
    (row,) = download(sub, "person")
    assert row["original_file"] == "users.csv" and "demographics.csv, line 4" in row["problem"]
    assert len(current("person")) == 7


def test_the_default_policy_still_rejects_small_files(tmp_path: Path) -> None:
    district = OrganizationFactory(slug="grand-bend", kind="district")
    assert ingest(district, GRAND_BEND, fmt="oneroster").status == "accepted"
    assert Submission.objects.get().quarantined_rows == 0


def test_a_crash_before_the_commit_leaves_no_quarantine_behind(
    partner: Organization, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from commonground.ingest import actions

    real_record = actions.audit.record

    def failing_commit(**kwargs: Any) -> Any:
        if kwargs["action"] == "ingest.accept_submission":
            raise RuntimeError("simulated crash: the database commit failed")
        return real_record(**kwargs)

    monkeypatch.setattr(actions.audit, "record", failing_commit)
    with pytest.raises(RuntimeError, match="simulated crash"):
        ingest(partner, attendance(tmp_path / "a.csv", 300, bad={7: "13/45/2024"}))
    crashed = Submission.objects.get()
    held = dataplane.quarantine_dir("attendance_event", "north-high", crashed.pk)
    assert held.is_dir(), "the quarantined rows were renamed into place with the batch"
    assert current("attendance_event") == []

    removed = dataplane.recover()

    assert held in removed and not held.exists()
    assert not dataplane.batch_dir("attendance_event", "north-high", crashed.pk).exists()


def test_an_in_memory_result_is_split_too(tmp_path: Path) -> None:
    """Without a sink (previews, tests) the good rows stay in ``tables`` and the bad ones come back held."""
    from commonground.ingest.connectors.quarantine import REASONS, Limits, split_quarantine
    from commonground.ingest.connectors.tabular import parse_tabular

    result = parse_tabular(
        attendance(tmp_path / "a.csv", 20, bad={4: "13/45/2024"}), ATTENDANCE, "north-high"
    )
    assert not result.ok

    assert split_quarantine(result, lambda _t: Limits(0, 100)).rejected.startswith(
        "attendance_event: 1 of 20"
    )
    split = split_quarantine(result, lambda _t: Limits(5, 10))

    assert (split.rejected, split.quarantined) == ("", {"attendance_event": 1})
    assert result.tables["attendance_event"].num_rows == 19 and result.rows() == {"attendance_event": 19}
    held = split.held["attendance_event"].to_pylist()
    assert [(r["source_person_id"], r["source_line"]) for r in held] == [("s4", 6)]
    assert any("13/45/2024" in reason for reason in held[0][REASONS])
