"""Destroying an ended agreement's data: nothing readable is left in the live hub or the latest backup, the
keys are gone, the record of disclosures stays, and the certificate is signed, audited and tamper-evident."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from commonground.core import auditlog, keystore, pii_crypto, sealed_files
from commonground.core.backup import check_backup, make_backup
from commonground.core.envelope import DecryptionError
from commonground.governance.destruction import (
    DestructionRefused,
    check_certificate,
    do_destroy_agreement_data,
)
from commonground.governance.destruction.verify import scan
from commonground.governance.models import DestructionCertificate, DisclosureRecord, PopulationFact
from commonground.ingest import inbox_sealing
from commonground.ingest.models import Submission
from commonground.linkage import snapshot
from commonground.linkage.models import PersonRecord
from commonground.portal.models import FamilyLink, FamilyRequest
from tests.factories import UserFactory
from tests.governance import destruction_world as w
from tests.governance.gate_world import staff

pytestmark = pytest.mark.django_db


def _backup(home: Path) -> Path:
    """A backup as `commonground backup` writes it (its database part is a stand-in here: the CLI test covers
    the real command on both databases); under <home>/backups, where the hub finds it."""
    folder = home / "backups" / "20260101-000000"
    stand_in = home / "stand-in.sqlite3"
    import sqlite3

    sqlite3.connect(stand_in).close()
    make_backup(folder, engine="sqlite", database=str(stand_in), data_dir=w.data_dir(), audit_head=(0, "0" * 64),
                accepted=sorted(Submission.objects.values_list("pk", flat=True)))  # fmt: skip
    return folder


def _destroy(world: w.World) -> DestructionCertificate:
    return do_destroy_agreement_data(
        world.agreement,
        acting_user=None,
        reason="The agreement was terminated.",
        method="Crypto-shred + delete",
    )


def _undecryptable(path: Path) -> None:
    table = pq.read_table(path)
    with pytest.raises(DecryptionError, match="data key is gone"):
        pii_crypto.decrypt_table("person", table, lambda key_id: keystore.key_by_id(key_id).key)


def test_nothing_of_the_agreement_is_left_readable_live_or_in_the_latest_backup(tmp_path: Path) -> None:
    world = w.build()
    home = Path(settings.COMMONGROUND_HOME)
    assert w.rows_of(w.data_dir(), "grand-bend") > 0
    assert "org:grand-bend" in keystore.scopes()
    backup = _backup(home)
    offline = tmp_path / "offline-copy"  # a copy on other media the hub cannot reach
    shutil.copytree(backup, offline)
    key_id = keystore.scopes()["org:grand-bend"]

    record = _destroy(world)

    scans = {s["folder"].split(" /")[0]: s for s in record.body["verification"]["scans"]}
    assert set(scans) == {"live hub", "latest backup"}
    for found in scans.values():
        assert (found["files"], found["rows"], found["decryptable"]) == (0, 0, 0), found
    assert record.body["verification"]["latest_backup"] == str(backup)
    # Counted again here, straight from the files: no row of the district live or in the latest backup.
    assert w.rows_of(w.data_dir(), "grand-bend") == 0
    assert w.rows_of(backup / "data", "grand-bend") == 0
    assert not list((backup / "data").rglob("org=grand-bend"))
    assert not (w.data_dir() / "inbox" / "grand-bend").exists()
    assert not (backup / "data" / "inbox" / "grand-bend").exists()
    assert snapshot.read() is not None and snapshot.read().num_rows == 0  # type: ignore[union-attr]
    old_snapshot = backup / "data" / "linkage" / "registry.parquet"
    assert not old_snapshot.exists() or sealed_files.read(old_snapshot) is None
    check_backup(backup)  # the purged backup is re-signed: restore still checks every byte
    # The key is gone (crypto-shredding), so the copy the hub could not reach is ciphertext nobody can open.
    assert "org:grand-bend" not in keystore.scopes()
    assert record.body["destroyed"]["key_ids"] == [key_id]
    person_files = list((offline / "data").glob("batches/person/org=grand-bend/*/*.parquet"))
    assert person_files
    for path in person_files:
        _undecryptable(path)
    left = scan(offline / "data", organizations=["grand-bend"], match=lambda o, _p: o == "grand-bend",
                key_ids=[key_id], lookup=lambda k: keystore.key_by_id(k).key)  # fmt: skip
    assert left.ciphertexts > 0 and left.decryptable == 0
    kept_raw = list((offline / "data" / "inbox" / "grand-bend").rglob("users.csv"))
    assert kept_raw  # the raw file as the district sent it, sealed under the destroyed key
    for path in kept_raw:
        with pytest.raises(inbox_sealing.InboxSealError, match="data key is gone"):
            inbox_sealing.read_bytes(path)
    # The control plane forgot the records; the record of disclosures stays, for the family to see.
    assert not Submission.objects.exists()
    assert not PersonRecord.objects.filter(organization=world.district).exists()
    assert not PopulationFact.objects.filter(organization=world.district).exists()
    kept = DisclosureRecord.objects.get(hub_person_id=world.hub_ids[0])
    assert kept.agreement_id == world.agreement.pk and kept.agreement_reference == "DSA-ENDED"
    assert record.body["destroyed"]["disclosure_records_kept"] == 1


def test_the_certificate_verifies_and_an_edit_is_caught_and_the_audit_chain_stays_intact() -> None:
    world = w.build()
    record = _destroy(world)
    body = record.body
    assert body["sanitization_details"]["method_type"] == "Purge"
    assert body["sanitization_details"]["verification_result"] == "passed"
    for field in ("person_performing_sanitization", "media_information", "media_destination", "attestation"):
        assert body[field], field
    assert check_certificate(record) == []
    assert auditlog.verify().problems == []

    edited = DestructionCertificate.objects.get(pk=record.pk)
    edited.body["destroyed"]["rows"]["person"] = 0
    edited.save()
    assert "its content was changed (SHA-256 differs from the one recorded)" in check_certificate(edited)

    from commonground.governance.destruction import certificate as cert

    edited.body_sha256 = cert.digest(edited.body)  # an editor who recomputes the hash still fails twice
    problems = check_certificate(edited)
    assert "its signature does not verify" in problems
    assert "the audit log recorded a different certificate (SHA-256 differs)" in problems
    assert "it was signed by another key than the one given" in check_certificate(record, "ab" * 32)


def test_refused_while_the_agreement_is_in_force() -> None:
    world = w.build()
    active = w.agreement("DSA-ACTIVE", world.district, world.partner, "active")
    with pytest.raises(DestructionRefused, match="DSA-ACTIVE is active and has not ended"):
        do_destroy_agreement_data(active, acting_user=None, reason="r", method="m")
    assert w.rows_of(w.data_dir(), "grand-bend") > 0


def test_refused_while_an_inspection_request_is_open_for_an_affected_student() -> None:
    world = w.build()
    link = FamilyLink.objects.create(
        user=UserFactory(), hub_person_id=world.hub_ids[3], relationship="parent",
        verified_at=timezone.now(), verified_by="in person",
    )  # fmt: skip
    request = FamilyRequest.objects.create(
        link=link, kind="inspect", details="Show me.", due_on=timezone.localdate()
    )
    with pytest.raises(DestructionRefused, match=rf"open for 1 affected student\(s\) \({world.hub_ids[3]}\)"):
        _destroy(world)
    assert w.rows_of(w.data_dir(), "grand-bend") > 0 and "org:grand-bend" in keystore.scopes()
    assert not DestructionCertificate.objects.exists()
    request.status = "fulfilled"
    request.save()
    assert _destroy(world).body["sanitization_details"]["verification_result"] == "passed"


def test_data_still_covered_by_another_agreement_in_force_is_kept() -> None:
    world = w.build()
    w.agreement("DSA-OTHER", world.district, world.partner, "active")
    with pytest.raises(DestructionRefused, match="grand-bend under DSA-OTHER"):
        _destroy(world)
    assert w.rows_of(w.data_dir(), "grand-bend") > 0


def test_refused_twice_and_without_a_reason() -> None:
    world = w.build()
    with pytest.raises(ValidationError, match="Say why"):
        do_destroy_agreement_data(world.agreement, acting_user=None, reason=" ", method="m")
    record = _destroy(world)
    with pytest.raises(DestructionRefused, match=f"already destroyed .* {record.certificate_id}"):
        _destroy(world)


def test_the_family_still_sees_who_received_its_childs_data_after_the_destruction() -> None:
    world = w.build()
    parent = staff("parent", world.district)
    link = FamilyLink.objects.create(
        user=parent, hub_person_id=world.hub_ids[0], relationship="parent",
        verified_at=timezone.now(), verified_by="in person",
    )  # fmt: skip
    _destroy(world)
    client = Client()
    client.force_login(parent)
    page = client.get(f"/family/children/{link.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bright Futures" in text and "person.first_name" in text  # the 99.32 record outlives the data
