"""1,000 random tamperings of a real audit log — edits, deletions, insertions, reorderings, truncations,
re-sealed rewrites — and every one is detected by the chain check against the head and the signed checkpoints.

The log is written through ``audit.record`` into the real database once; each case then tampers with a copy of
its rows as read back (the same rows ``commonground audit verify`` reads), so 1,000 cases run in about a second.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings

from commonground.core import audit, auditlog, chain
from commonground.core.models import AuditChainHead, AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db

CASES = 1000
SEED = 20261128
FIELDS = ["at", "actor_label", "action", "object_type", "object_id", "summary", "details", "actor_id"]


def _new_value(entry: chain.Entry, name: str, rng: random.Random) -> object:
    old = getattr(entry, name)
    if name == "details":
        return {**dict(old), "tampered": rng.randint(0, 10**6)}
    if name == "actor_id":
        return (old or 0) + rng.randint(1, 50)
    if name == "at":
        return old.replace("2", "1", 1) if "2" in old else old + "0"
    return old + rng.choice(["x", " ", "."]) if rng.random() < 0.5 else old[:-1] or "y"


def _reseal_from(entries: list[chain.Entry], start: int) -> list[chain.Entry]:
    out = entries[:start]
    prev = out[-1].entry_hash if out else chain.GENESIS
    for entry in entries[start:]:
        sealed = dataclasses.replace(entry, prev_hash=prev).sealed()
        out.append(sealed)
        prev = sealed.entry_hash
    return out


def tamper(entries: list[chain.Entry], rng: random.Random) -> tuple[str, list[chain.Entry]]:
    """One random attack on a copy of the log; returns its kind and the tampered log."""
    log = list(entries)
    n = len(log)
    kind = rng.choice(["edit", "delete", "insert", "reorder", "truncate", "edit-and-reseal", "renumber"])
    i = rng.randrange(n)
    if kind == "edit":
        name = rng.choice(FIELDS)
        log[i] = dataclasses.replace(log[i], **{name: _new_value(log[i], name, rng)})
    elif kind == "delete":
        del log[i]
    elif kind == "insert":
        prev = log[i - 1].entry_hash if i else chain.GENESIS
        forged = dataclasses.replace(log[i], summary="forged", prev_hash=prev).sealed()
        log.insert(i, forged)
    elif kind == "reorder":
        j = rng.choice([k for k in range(n) if k != i])
        log[i], log[j] = log[j], log[i]
    elif kind == "truncate":
        log = log[: rng.randrange(n)]
    elif kind == "edit-and-reseal":  # the attacker recomputes every hash after the edit
        name = rng.choice(FIELDS)
        log[i] = dataclasses.replace(log[i], **{name: _new_value(log[i], name, rng)})
        log = _reseal_from(log, i)
    else:  # renumber: delete one entry, then close the gap in the sequence numbers and re-seal
        del log[i]
        log = [dataclasses.replace(e, seq=k + 1) for k, e in enumerate(log)]
        log = _reseal_from(log, i)
    return kind, log


def test_one_thousand_random_tamperings_are_all_detected() -> None:
    with override_settings(COMMONGROUND_AUDIT_CHECKPOINT_EVERY=25):
        for k in range(120):
            with transaction.atomic():
                audit.record(actor=None, action=f"test.{k % 7}", summary=f"entry {k}", details={"k": k})
    rows = AuditEvent.objects.order_by("seq").values(*auditlog._FIELDS)
    entries = [auditlog._entry(r) for r in rows]
    head_row = AuditChainHead.objects.get(pk=1)
    head = (head_row.size, head_row.head_hash)
    anchors = {c.size: c.head_hash for c in AuditCheckpoint.objects.all()}
    assert sorted(anchors) == [25, 50, 75, 100]
    assert chain.first_problem(entries, head=head, anchors=anchors) is None  # the untouched log verifies

    rng = random.Random(SEED)
    detected: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    for _ in range(CASES):
        kind, log = tamper(entries, rng)
        if log == entries:  # an edit that changed nothing is not an attack
            continue
        tried[kind] += 1
        if chain.first_problem(log, head=head, anchors=anchors) is not None:
            detected[kind] += 1
    assert sum(tried.values()) >= CASES - 5, tried
    assert detected == tried, f"undetected: {tried - detected} (seed {SEED})"
    assert set(tried) == {"edit", "delete", "insert", "reorder", "truncate", "edit-and-reseal", "renumber"}
