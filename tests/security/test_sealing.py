"""Encryption at rest, wired: what ingest publishes is sealed, what the current view reads is plaintext, validation
still sees the values as sent, and a destroyed key makes the values unreadable (data plane, linkage snapshot and
the control plane's names)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from commonground.core import encrypted_fields, keystore, sealed_files
from commonground.ecosystem.models import Organization
from commonground.governance.models import Consent
from commonground.ingest import dataplane, sealing
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.canonical import PII_COLUMNS, schema
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.connectors.report import WITHHELD
from commonground.ingest.connectors.sink import ParquetSink
from commonground.ingest.fixes import quarantine_csv
from commonground.ingest.models import Submission
from tests.factories import OrganizationFactory
from tests.governance.gate_world import consents
from tests.ingest.conftest import GRAND_BEND

pytestmark = pytest.mark.django_db

PEOPLE = load_mapping(
    """
table: person
id_column: Student
columns: {first_name: First, last_name: Last, birth_date: Born, email: Email, school_id: School}
date_formats: {birth_date: ["%Y-%m-%d"]}
"""
)


def roster(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    lines = ["Student,First,Last,Born,Email,School"] + [",".join((*r, "101")) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ingest(org: Organization, path: Path, **kwargs: Any) -> Submission:
    kwargs.setdefault("fmt", "tabular")
    kwargs.setdefault("mapping", PEOPLE if kwargs["fmt"] == "tabular" else None)
    return do_ingest(acting_user=None, organization=org, paths=[path], **kwargs)


def people() -> list[dict[str, Any]]:
    con = dataplane.connect()
    try:
        rel = dataplane.current_relation(con, "person").order("source_org, source_person_id")
        rows: list[dict[str, Any]] = rel.to_arrow_table().to_pylist()
        return rows
    finally:
        con.close()


def part(org: str, sub: Submission, table: str = "person") -> Path:
    return dataplane.batch_dir(table, org, sub.pk) / dataplane.PART


ROWS = [
    ("1", "Quorilda", "Vantrebble", "2014-03-17", "q.v@example.org"),
    ("2", "Ostrander", "Mewlikin", "2013-11-02", ""),
]


def test_a_published_roster_is_sealed_on_disk_and_plain_in_the_current_view(tmp_path: Path) -> None:
    org = OrganizationFactory(slug="riverbend", kind="district")
    sub = ingest(org, roster(tmp_path / "people.csv", ROWS))

    assert sub.status == "accepted", sub.report
    path = part("riverbend", sub)
    raw = path.read_bytes()
    assert all(word.encode() not in raw for word in ("Quorilda", "Vantrebble", "Mewlikin", "2014-03-17"))
    on_disk = pq.read_schema(path)
    assert {n for n in on_disk.names if on_disk.field(n).type == pa.binary()} == PII_COLUMNS
    assert sealing.scope("riverbend") in keystore.scopes()
    rows = people()
    assert [(r["first_name"], r["last_name"], r["birth_date"], r["email"]) for r in rows] == [
        ("Quorilda", "Vantrebble", dt.date(2014, 3, 17), "q.v@example.org"),
        ("Ostrander", "Mewlikin", dt.date(2013, 11, 2), None),
    ]


def test_validation_sees_the_values_as_sent(tmp_path: Path, settings: Settings) -> None:
    """Sealing runs after validation: an implausible birth date is found (its line reported, its value withheld from
    the stored report), a bad one quarantined (sealed on disk, plaintext in the download for the sender)."""
    settings.COMMONGROUND_QUARANTINE_MAX_PERCENT = 50
    org = OrganizationFactory(slug="riverbend", kind="district")
    odd, bad = ("3", "Pell", "Quist", "1931-01-01", ""), ("4", "Fenwick", "Drouse", "2014-13-45", "")
    sub = ingest(org, roster(tmp_path / "people.csv", [*ROWS, odd, bad]))

    assert (sub.status, sub.quarantined_rows) == ("accepted", 1), sub.report
    implausible = [i for i in sub.report["issues"] if i["code"] == "implausible-birth-date"]
    assert implausible and (implausible[0]["line"], implausible[0]["value"]) == (4, WITHHELD)
    assert "1931-01-01" not in json.dumps(sub.report)
    held = dataplane.quarantine_dir("person", "riverbend", sub.pk) / dataplane.PART
    assert b"Drouse" not in held.read_bytes() and sealing.sealed_columns(held, "person")
    assert ",Fenwick,,Drouse," in "".join(quarantine_csv(sub, "person"))  # first, middle, last
    assert [r["first_name"] for r in people()] == ["Quorilda", "Ostrander", "Pell"]


def test_a_oneroster_export_is_sealed_and_read_back_whole() -> None:
    org = OrganizationFactory(slug="grand-bend", kind="district")
    sub = ingest(org, GRAND_BEND, fmt="oneroster")

    assert sub.status == "accepted"
    assert sealing.sealed_columns(part("grand-bend", sub), "person")
    rows = people()
    assert len(rows) == 8 and all(isinstance(r["first_name"], str) for r in rows)
    assert any(isinstance(r["birth_date"], dt.date) for r in rows)


def test_batches_written_before_sealing_are_read_with_sealed_ones(tmp_path: Path) -> None:
    """A plain batch (published before the wiring) and a sealed one make one current view."""
    org = OrganizationFactory(slug="riverbend", kind="district")
    sealed = ingest(org, roster(tmp_path / "people.csv", ROWS))
    other = OrganizationFactory(slug="eastside", kind="district")
    legacy = Submission.objects.create(
        organization=other,
        status="accepted",
        submitted_at=sealed.decided_at,
        decided_at=sealed.decided_at,
        fingerprint="legacy",
    )
    sink = ParquetSink(tmp_path / "legacy", legacy.pk)
    row = {f.name: None for f in schema("person")}
    row.update(
        source_org="eastside", source_person_id="9", first_name="Plain", birth_date=dt.date(2012, 1, 2)
    )
    sink.write("person", pa.Table.from_pylist([row], schema=schema("person")))
    sink.close()
    target = part("eastside", legacy)
    target.parent.mkdir(parents=True)
    shutil.move(str(tmp_path / "legacy" / "person" / dataplane.PART), target)

    rows = people()
    assert [(r["source_org"], r["first_name"]) for r in rows] == [
        ("eastside", "Plain"), ("riverbend", "Quorilda"), ("riverbend", "Ostrander")
    ]  # fmt: skip


def test_a_destroyed_key_makes_the_batch_unreadable_and_says_where(tmp_path: Path) -> None:
    org = OrganizationFactory(slug="riverbend", kind="district")
    ingest(org, roster(tmp_path / "people.csv", ROWS))
    keystore.destroy(sealing.scope("riverbend"))

    with pytest.raises(Exception, match=r"person\.\w+ of riverbend/\d: its data key is gone"):
        people()


def test_a_blob_moved_to_another_row_does_not_decrypt(tmp_path: Path) -> None:
    org = OrganizationFactory(slug="riverbend", kind="district")
    sub = ingest(org, roster(tmp_path / "people.csv", ROWS))
    path = part("riverbend", sub)
    table = pq.read_table(path)
    names = table.column("first_name").to_pylist()
    swapped = table.set_column(table.column_names.index("first_name"), "first_name", pa.array(names[::-1]))
    pq.write_table(swapped, path, store_schema=False)

    with pytest.raises(Exception, match="does not decrypt here"):
        people()


def test_with_sealing_off_the_batch_is_plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The switch the benchmark and the planted-PII control use: it really is what keeps names off the disk."""
    monkeypatch.setattr(sealing, "ENABLED", False)
    org = OrganizationFactory(slug="riverbend", kind="district")
    sub = ingest(org, roster(tmp_path / "people.csv", ROWS))

    assert b"Quorilda" in part("riverbend", sub).read_bytes()
    assert not sealing.sealed_columns(part("riverbend", sub), "person")


def test_the_control_planes_names_are_ciphertext_in_the_database() -> None:
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit")
    consent = consents("HP-A", partner, ["person.first_name"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT student_name, signer_name FROM governance_consent WHERE id = %s", [consent.pk])
        stored = cursor.fetchone()

    assert all(v.startswith(encrypted_fields.PREFIX) for v in stored)
    assert "HP-A" not in stored[0] and "Parent" not in stored[1]
    fresh = Consent.objects.get(pk=consent.pk)
    assert (fresh.student_name, fresh.signer_name) == ("Student HP-A", "A Parent")
    with pytest.raises(ValueError, match="does not decrypt"):  # moved to another column
        encrypted_fields.open_value("governance_consent", "signer_name", stored[0])
    keystore.destroy(encrypted_fields.SCOPE)
    assert Consent.objects.get(pk=consent.pk).student_name == encrypted_fields.ERASED


def test_a_sealed_file_is_unreadable_once_a_newer_version_is_written(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.sealed"
    sealed_files.write(path, pa.table({"name": ["Quorilda"]}), family="t")
    old_copy = tmp_path / "backup.sealed"
    shutil.copyfile(path, old_copy)

    assert b"Quorilda" not in path.read_bytes() and sealed_files.is_sealed(path)
    assert sealed_files.read(old_copy).to_pylist() == [{"name": "Quorilda"}]
    sealed_files.write(path, pa.table({"name": ["Ostrander"]}), family="t")
    assert sealed_files.read(path).to_pylist() == [{"name": "Ostrander"}]
    assert sealed_files.read(old_copy) is None  # the old key is gone: the backup's copy is shredded
