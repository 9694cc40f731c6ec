"""The audit log is hash-chained and checkpointed: the real database rows verify, and tampering with them is caught."""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from commonground.core import audit, auditlog, chain, signing
from commonground.core.models import AuditChainHead, AuditCheckpoint, AuditEvent
from tests.helpers import run_cli

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="test.step", summary=f"step {i}", details={"i": i, "name": "Zoë"})


def _sql(statement: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_entries_are_numbered_and_linked_and_verify() -> None:
    _write(5)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.entry_hash for a, b in itertools.pairwise(rows))
    head = AuditChainHead.objects.get(pk=1)
    assert (head.size, head.head_hash) == (5, rows[-1].entry_hash)
    result = auditlog.verify()
    assert result.ok, result.problems
    assert result.entries == 5


@override_settings(COMMONGROUND_AUDIT_CHECKPOINT_EVERY=3)
def test_checkpoints_are_signed_every_n_entries_with_the_key_outside_the_database() -> None:
    _write(7)
    checkpoints = list(AuditCheckpoint.objects.order_by("size"))
    assert [c.size for c in checkpoints] == [3, 6]
    assert signing.key_path().exists()
    public = signing.public_key_hex(signing.load_or_create_key())
    assert all(c.public_key == public for c in checkpoints)
    assert auditlog.verify().ok


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        ("UPDATE core_auditevent SET summary = 'nothing happened' WHERE seq = 3", "entry 3"),
        ("UPDATE core_auditevent SET actor_label = 'someone else' WHERE seq = 1", "entry 1"),
        ("DELETE FROM core_auditevent WHERE seq = 4", "entry 4"),
        ("DELETE FROM core_auditevent WHERE seq >= 5", "entry 5"),  # truncation: the head still says 6
        ("UPDATE core_auditevent SET seq = seq + 100 WHERE seq = 2", "entry 2"),  # moved away: a gap
    ],
)
def test_edits_deletions_and_truncations_of_real_rows_are_caught(tamper: str, expected: str) -> None:
    _write(6)
    assert auditlog.verify().ok
    _sql(tamper, [])
    result = auditlog.verify()
    assert not result.ok
    assert result.problems[0].startswith(expected), result.problems


def test_changed_details_are_caught() -> None:
    _write(4)
    event = AuditEvent.objects.get(seq=2)
    AuditEvent.objects.filter(pk=event.pk).update(details={"i": 99, "name": "Zoë"})
    assert auditlog.verify().problems[0].startswith("entry 2")


def test_swapping_two_entries_is_caught() -> None:
    _write(5)
    a, b = AuditEvent.objects.get(seq=2), AuditEvent.objects.get(seq=4)
    AuditEvent.objects.filter(pk=a.pk).update(seq=1000)
    AuditEvent.objects.filter(pk=b.pk).update(seq=2)
    AuditEvent.objects.filter(pk=a.pk).update(seq=4)
    assert auditlog.verify().problems[0].startswith("entry 2")


def test_a_rewritten_chain_is_caught_by_the_head_and_by_signed_checkpoints() -> None:
    """An attacker who recomputes every hash after an edit still cannot match the head or a signed checkpoint."""
    with override_settings(COMMONGROUND_AUDIT_CHECKPOINT_EVERY=4):
        _write(6)
    rows = list(AuditEvent.objects.order_by("seq"))
    prev = rows[1].entry_hash
    for row in rows[2:]:  # edit entry 3 and re-seal everything after it
        entry = auditlog._entry({**row.__dict__, "prev_hash": prev})
        if row.seq == 3:
            entry = chain.Entry(**{**entry.__dict__, "summary": "rewritten"})
        entry = entry.sealed()
        AuditEvent.objects.filter(pk=row.pk).update(
            summary=entry.summary, prev_hash=entry.prev_hash, entry_hash=entry.entry_hash
        )
        prev = entry.entry_hash
    problems = auditlog.verify().problems
    assert problems and problems[0].startswith("entry 4"), problems  # the checkpoint signed at entry 4
    AuditCheckpoint.objects.all().delete()
    problems = auditlog.verify().problems  # without checkpoints the head row still disagrees
    assert problems and "head hash" in problems[0], problems


def test_truncation_with_a_forged_head_is_caught_by_a_signed_checkpoint() -> None:
    with override_settings(COMMONGROUND_AUDIT_CHECKPOINT_EVERY=5):
        _write(7)
    AuditEvent.objects.filter(seq__gte=4).delete()
    AuditChainHead.objects.filter(pk=1).update(size=3, head_hash=AuditEvent.objects.get(seq=3).entry_hash)
    problems = auditlog.verify().problems
    assert problems and "signed checkpoint vouches for 5" in problems[0], problems


def test_a_checkpoint_signed_by_another_key_is_rejected() -> None:
    _write(3)
    forged = signing.Ed25519PrivateKey.generate()
    head = AuditChainHead.objects.get(pk=1)
    at = "2026-01-01T00:00:00.000000+00:00"
    AuditCheckpoint.objects.create(
        size=head.size,
        head_hash=head.head_hash,
        at=at,
        public_key=signing.public_key_hex(forged),
        signature=signing.sign(auditlog.statement(head.size, head.head_hash, "", at), forged),
    )
    problems = auditlog.verify().problems
    assert problems and "signature does not verify" in problems[0]


def test_inclusion_proof_round_trip_and_a_tampered_proof_fails() -> None:
    _write(9)
    proof = auditlog.inclusion_proof(6)
    assert auditlog.check_proof(proof) == []
    assert proof["tree_size"] == 9 and proof["leaf_index"] == 5
    assert auditlog.check_proof(proof, signing.public_key_hex(signing.Ed25519PrivateKey.generate())) != []
    proof["entry"]["summary"] = "something else"
    assert "the entry's fields do not match its hash" in auditlog.check_proof(proof)


def test_cli_verify_passes_then_names_the_first_bad_entry(tmp_path: Path) -> None:
    home = tmp_path / "hub"
    assert run_cli("init", home=home).returncode == 0
    made = run_cli("org", "add", "eastside", "--kind", "district", "--name", "Eastside USD", home=home)
    assert made.returncode == 0, made.stderr
    ok = run_cli("audit", "verify", home=home)
    assert ok.returncode == 0, ok.stderr
    assert "audit log intact" in ok.stdout
    with sqlite3.connect(home / "db.sqlite3") as db:
        db.execute("UPDATE core_auditevent SET summary = 'x' WHERE seq = 1")
    bad = run_cli("audit", "verify", home=home)
    assert bad.returncode == 1
    assert "entry 1" in bad.stderr and "content was changed" in bad.stderr
    proof_file = tmp_path / "proof.json"
    assert run_cli("audit", "proof", "1", "--out", str(proof_file), home=home).returncode == 0
    checked = run_cli("audit", "verify-proof", str(proof_file))
    assert checked.returncode == 1 and "do not match its hash" in checked.stderr
