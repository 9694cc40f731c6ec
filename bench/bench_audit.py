"""Benchmark of the hash-chained audit log: append throughput and full-chain verification.

- Append: ``audit.record`` (lock the head, hash, insert, move the head) against a bare insert of the same rows,
  each in its own transaction as actions do, measured in the same run — the ratio is the chain's cost.
- Verify: ``commonground audit verify`` over a log of ``entries`` rows (default 1,000,000, written with the chain
  computed in bulk), and the RFC 6962 Merkle root over the same log (what a signed checkpoint computes).

Run ``python bench/bench_audit.py --entries 1000000``; ``bench/run.py --only audit`` imports :func:`run`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
import time
from pathlib import Path
from typing import Any

BATCH = 20_000


def _setup(home: Path) -> None:
    from commonground.cli.bootstrap import setup_django

    setup_django(home, migrate=True)


def _appends(n: int) -> dict[str, float]:
    from django.db import transaction
    from django.utils import timezone

    from commonground.core import audit
    from commonground.core.models import AuditEvent

    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=None, action="bench.append", summary=f"append {i}", details={"i": i})
    chained = time.perf_counter() - start
    start = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            AuditEvent.objects.create(
                seq=10**12 + i,
                at=timezone.now(),
                actor_label="system",
                action="bench.append",
                object_type="",
                summary=f"append {i}",
                details={"i": i},
                prev_hash="",
                entry_hash="",
            )
    bare = time.perf_counter() - start
    AuditEvent.objects.filter(seq__gte=10**12).delete()
    return {
        "appends": n,
        "chained_per_s": round(n / chained),
        "bare_insert_per_s": round(n / bare),
        "ratio_to_bare_insert": round(chained / bare, 3),
    }


def _fill(entries: int) -> None:
    """Write ``entries`` chained rows in bulk (the chain computed exactly as ``audit.record`` computes it)."""
    from django.db import transaction

    from commonground.core import audit, chain
    from commonground.core.models import AuditChainHead, AuditEvent

    with transaction.atomic():
        head = audit.locked_head()
        prev, seq = head.head_hash, head.size
        base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        while seq < head.size + entries:
            rows = []
            for _ in range(min(BATCH, head.size + entries - seq)):
                seq += 1
                at = base + dt.timedelta(seconds=seq)
                entry = chain.Entry(
                    seq=seq,
                    at=audit.iso(at),
                    actor_id=None,
                    actor_label="system",
                    action="bench.fill",
                    object_type="ingest.Submission",
                    object_id=str(seq % 997),
                    summary=f"Accepted a submission ({seq})",
                    details={"rows": {"person": seq % 5000}, "n": seq},
                    prev_hash=prev,
                    entry_hash="",
                ).sealed()
                prev = entry.entry_hash
                rows.append(
                    AuditEvent(
                        seq=seq,
                        at=at,
                        actor_label="system",
                        action=entry.action,
                        object_type=entry.object_type,
                        object_id=entry.object_id,
                        summary=entry.summary,
                        details=dict(entry.details),
                        prev_hash=entry.prev_hash,
                        entry_hash=entry.entry_hash,
                    )
                )
            AuditEvent.objects.bulk_create(rows, batch_size=2000)
        AuditChainHead.objects.filter(pk=1).update(size=seq, head_hash=prev)


def run(entries: int = 1_000_000, appends: int = 5_000) -> dict[str, Any]:
    """Measure appends and verification; return the figures (no pass/fail target: the issue asks for figures)."""
    with tempfile.TemporaryDirectory(prefix="cg-bench-audit-") as tmp:
        _setup(Path(tmp))
        from commonground.core import auditlog

        append = _appends(appends)
        start = time.perf_counter()
        _fill(entries)
        fill_s = time.perf_counter() - start
        start = time.perf_counter()
        result = auditlog.verify()
        verify_s = time.perf_counter() - start
        start = time.perf_counter()
        cp = auditlog.do_checkpoint()
        checkpoint_s = time.perf_counter() - start
        return {
            "benchmark": "audit",
            "append": append,
            "entries": result.entries,
            "verified_ok": result.ok,
            "verify_seconds": round(verify_s, 2),
            "verify_entries_per_s": round(result.entries / verify_s),
            "merkle_checkpoint_seconds": round(checkpoint_s, 2),
            "checkpoint_size": cp.size,
            "bulk_fill_seconds": round(fill_s, 2),
            "passed": result.ok,
        }


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=5_000)
    args = parser.parse_args()
    print(json.dumps(run(args.entries, args.appends), indent=2))


if __name__ == "__main__":
    main()
