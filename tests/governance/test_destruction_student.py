"""Destroying one student's data on a lawful request, and the destruction ledger that a restore re-applies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.utils import timezone

from commonground.core import keystore
from commonground.governance.destruction import (
    DestructionRefused,
    check_certificate,
    do_destroy_agreement_data,
    do_destroy_student_data,
    ledger,
    replay,
)
from commonground.governance.models import DestructionCertificate, DisclosureRecord
from commonground.linkage import snapshot
from commonground.linkage.models import PersonRecord
from commonground.portal.models import FamilyLink, FamilyRequest
from tests.factories import UserFactory
from tests.governance import destruction_world as w

pytestmark = pytest.mark.django_db


def _ids_in(data: Path) -> list[str]:
    """Source person ids of every row in every batch file (any table), read straight from the files."""
    found = []
    for path in data.glob("batches/*/org=*/submission=*/*.parquet"):
        table = pq.read_table(path)
        if "source_person_id" in table.column_names:
            found += [p for p in table.column("source_person_id").to_pylist() if p]
    return found


def _source_id(hub_id: str) -> str:
    return PersonRecord.objects.get(hub_person__hub_id=hub_id).source_person_id


def test_one_student_is_removed_from_every_batch_and_the_rest_stays() -> None:
    world = w.build()
    w.agreement(
        "DSA-ACTIVE", world.district, world.partner, "active"
    )  # a lawful request needs no ended agreement
    target = _source_id(world.hub_ids[0])
    before = _ids_in(w.data_dir())
    assert target in before

    record = do_destroy_student_data(world.hub_ids[0], acting_user=None, reason="Court order 2026-17")

    after = _ids_in(w.data_dir())
    assert target not in after
    assert len(after) == len(before) - before.count(target)
    assert record.body["destroyed"]["rows_removed"] == before.count(target) + 1  # + its prepared record
    assert record.body["verification"]["scans"][0]["rows"] == 0
    assert "org:grand-bend" in keystore.scopes()  # shared by the other students: not shredded
    assert record.body["destroyed"]["inbox_files_removed"] == 1  # a raw file cannot lose one row: it goes
    assert not PersonRecord.objects.filter(hub_person__hub_id=world.hub_ids[0]).exists()
    assert PersonRecord.objects.count() == len(world.hub_ids) - 1
    assert DisclosureRecord.objects.filter(hub_person_id=world.hub_ids[0]).count() == 1
    assert check_certificate(record) == []
    keys = snapshot.read().column("unique_id").to_pylist()  # type: ignore[union-attr]
    assert f"grand-bend|{target}" not in keys and len(keys) == len(world.hub_ids) - 1
    # The ledger names the student only by a keyed token.
    assert target not in ledger.path().read_text()


def test_refused_while_the_students_inspection_request_is_open() -> None:
    world = w.build()
    link = FamilyLink.objects.create(
        user=UserFactory(), hub_person_id=world.hub_ids[0], relationship="parent",
        verified_at=timezone.now(), verified_by="in person",
    )  # fmt: skip
    FamilyRequest.objects.create(link=link, kind="amend", details="Fix it.", due_on=timezone.localdate())
    with pytest.raises(DestructionRefused, match=r"34 CFR 99\.10"):
        do_destroy_student_data(world.hub_ids[0], acting_user=None, reason="Court order")
    with pytest.raises(DestructionRefused, match="No hub person 'HP-NOBODY'"):
        do_destroy_student_data("HP-NOBODY", acting_user=None, reason="Court order")


def test_a_restored_hub_does_not_resurrect_destroyed_rows(tmp_path: Path) -> None:
    """What `restore` does after putting an old backup in place: the ledger is replayed on it."""
    world = w.build()
    target = _source_id(world.hub_ids[0])
    old_data = tmp_path / "old-data"
    shutil.copytree(
        w.data_dir(), old_data
    )  # the data folder as a backup made before the destruction holds it
    student = do_destroy_student_data(world.hub_ids[0], acting_user=None, reason="Court order")
    agreement = do_destroy_agreement_data(world.agreement, acting_user=None, reason="Ended", method="purge")

    # "Restore" the old files and the old registry rows and certificates-less database state.
    shutil.rmtree(w.data_dir())
    shutil.copytree(old_data, w.data_dir())
    assert target in _ids_in(w.data_dir())
    DestructionCertificate.objects.all().delete()

    done = replay()

    assert _ids_in(w.data_dir()) == []  # the agreement's destruction removes the district's batches again
    assert not list(w.data_dir().rglob("org=grand-bend"))
    assert sorted(done.certificates_restored) == sorted([student.certificate_id, agreement.certificate_id])
    for record in DestructionCertificate.objects.all():
        assert check_certificate(record) == []
    assert replay().changed == []  # idempotent


def test_a_student_destruction_is_replayed_without_touching_later_submissions(tmp_path: Path) -> None:
    world = w.build()
    target = _source_id(world.hub_ids[0])
    old_data = tmp_path / "old-data"
    shutil.copytree(w.data_dir(), old_data)
    do_destroy_student_data(world.hub_ids[0], acting_user=None, reason="Court order")
    shutil.rmtree(w.data_dir())
    shutil.copytree(old_data, w.data_dir())
    replay()
    ids = _ids_in(w.data_dir())
    assert target not in ids and len(ids) > 0


def test_an_edited_ledger_stops_the_replay() -> None:
    world = w.build()
    do_destroy_student_data(world.hub_ids[0], acting_user=None, reason="Court order")
    lines = ledger.path().read_text().splitlines()
    first = json.loads(lines[0])
    first["entry"]["organizations"] = ["someone-else"]
    ledger.path().write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    with pytest.raises(ledger.LedgerError, match="line 1: its content was changed"):
        replay()
    ledger.path().write_text("\n".join(lines[1:]) + "\n")
    with pytest.raises(ledger.LedgerError, match="line 1: out of order"):
        replay()


def test_a_destruction_interrupted_before_its_certificate_is_finished_by_the_replay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = w.build()
    from commonground.governance.destruction import actions

    def crash(**_kwargs: object) -> None:
        raise RuntimeError("killed")

    with monkeypatch.context() as patch, pytest.raises(RuntimeError, match="killed"):
        patch.setattr(actions, "certify", crash)
        do_destroy_agreement_data(world.agreement, acting_user=None, reason="Ended", method="purge")
    assert (
        not DestructionCertificate.objects.exists()
    )  # the database rolled back; the files were already gone

    done = replay()

    record = DestructionCertificate.objects.get()
    assert done.certificates_restored == [record.certificate_id]
    assert record.body["sanitization_details"]["verification_result"] == "passed"
    assert check_certificate(record) == []
    assert _ids_in(w.data_dir()) == [] and not PersonRecord.objects.exists()
