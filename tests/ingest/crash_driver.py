"""A child process for the crash test: one real ``do_ingest`` that reports each phase it enters, or a check.

Run as ``python -m tests.ingest.crash_driver MODE ...`` with ``COMMONGROUND_HOME`` (and ``DATABASE_URL`` on
PostgreSQL) set to the crash test's hub:

- ``ingest ORG MAPPING``: loads Django and the ingest code, prints ``loaded`` and waits; on ``check`` it checks
  that every accepted submission's batches are present and readable with their recorded row counts (what the
  previous kill must not have broken) and prints ``ready``; on ``go FILE`` it ingests FILE, printing
  ``phase NAME SECONDS`` as it enters each phase. The parent kills it with SIGKILL at a random moment; the last
  phase printed is where it died.
- ``verify``: runs the recovery path (``dataplane.recover`` under ``publish_lock``, as ``commonground ingest``
  does before it starts) and prints the hub's state as one JSON object.

The phase hooks wrap functions the ingest already calls (no behaviour changes); a hook whose function no longer
exists is skipped, and its phase simply never shows up in the parent's tally.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path
from typing import Any

T0 = time.perf_counter()


def say(*parts: object) -> None:
    """One line to the parent, flushed at once so a kill right after it still leaves it in the pipe."""
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def _hook(owner: Any, name: str, phase: str, once: bool = False) -> None:
    """Make ``owner.name`` print ``phase`` each time (or only the first time) it is called."""
    original = getattr(owner, name, None)
    if original is None:
        return
    seen = [False]

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not (once and seen[0]):
            seen[0] = True
            say("phase", phase, f"{time.perf_counter() - T0:.4f}")
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


def _install_hooks() -> None:
    from commonground.ingest import actions, dataplane
    from commonground.ingest.connectors.sink import ParquetSink

    _hook(actions, "parse", "parse")  # reading and converting rows (validation runs inside it too)
    _hook(ParquetSink, "write", "stage", once=True)  # the first batch streamed into the staging folder
    _hook(actions, "validate_result", "validate")
    _hook(dataplane, "recover", "recover")  # cleaning up other runs' leftovers under the publish lock
    _hook(dataplane, "sync_tree", "fsync")
    _hook(dataplane, "move_into_place", "rename")
    _hook(actions, "_commit_accepted", "commit")  # the manifest row turns accepted with its audit row


def accepted_state() -> list[dict[str, Any]]:
    """Every accepted submission with its row counts and what its batch folders hold on disk."""
    import pyarrow.parquet as pq

    from commonground.ingest import dataplane
    from commonground.ingest.choices import SubmissionStatus
    from commonground.ingest.models import Submission

    out = []
    for sub in Submission.objects.filter(status=SubmissionStatus.ACCEPTED).order_by("id"):
        on_disk: dict[str, Any] = {}
        for table, rows in sub.row_counts.items():
            if not rows:
                continue
            path = dataplane.batch_dir(table, sub.organization.slug, sub.pk) / dataplane.PART
            try:
                on_disk[table] = pq.ParquetFile(path).metadata.num_rows
            except (OSError, ValueError) as exc:  # missing or unreadable: reported, judged by the parent
                on_disk[table] = f"{type(exc).__name__}: {exc}"
        names = list(sub.files.order_by("id").values_list("name", flat=True))
        out.append(
            {
                "id": sub.pk,
                "org": sub.organization.slug,
                "rows": sub.row_counts,
                "disk": on_disk,
                "files": names,
            }
        )
    return out


def ingest(org_slug: str, mapping_path: str) -> None:
    """Load everything, then on ``check`` report the accepted state, and on ``go FILE`` ingest FILE."""
    from commonground.ecosystem.models import Organization
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import load_mapping

    mapping = load_mapping(Path(mapping_path))
    _install_hooks()
    say("loaded")  # the parent starts the next child this far while the current one ingests
    sys.stdin.readline()
    say("accepted", json.dumps(accepted_state()))
    org = Organization.objects.get(slug=org_slug)
    say("ready")
    file = sys.stdin.readline().split(" ", 1)[1].strip()
    global T0
    T0 = time.perf_counter()
    say("phase hash", f"{time.perf_counter() - T0:.4f}")  # hashing and the duplicate check come first
    sub = do_ingest(acting_user=None, organization=org, fmt="tabular", paths=[Path(file)], mapping=mapping)
    say("phase done", f"{time.perf_counter() - T0:.4f}")
    say("result", json.dumps({"id": sub.pk, "status": sub.status, "rows": sub.row_counts}))


def verify() -> None:
    """Recover under the publish lock, then print statuses, accepted batches and the current view."""
    from django.db import connection
    from django.db.models import Count

    from commonground.ingest import dataplane
    from commonground.ingest.actions import close_interrupted
    from commonground.ingest.connectors.canonical import SCHEMAS
    from commonground.ingest.models import Submission

    with dataplane.publish_lock():
        removed = dataplane.recover()
        close_interrupted()
    con = dataplane.connect()
    current: dict[str, dict[str, Any]] = {}
    for table in sorted(SCHEMAS):
        rel = dataplane.current_relation(con, table)
        person = "source_person_id" if "source_person_id" in rel.columns else "NULL"
        grouped = rel.aggregate(
            f"submission_id, count(*) AS n, min({person}) AS lo, max({person}) AS hi", "submission_id"
        ).fetchall()
        if grouped:
            current[table] = {str(sid): {"rows": n, "lo": lo, "hi": hi} for sid, n, lo, hi in grouped}
    statuses = dict(
        Submission.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    say(
        "state",
        json.dumps(
            {
                "removed": [str(p) for p in removed],
                "statuses": statuses,
                "accepted": accepted_state(),
                "current": current,
                "data_dir": str(dataplane.data_dir()),
                "database": connection.vendor,
            }
        ),
    )


def main(argv: list[str]) -> None:
    """Start Django on the hub the environment names, then run one mode."""
    from commonground.cli.bootstrap import setup_django

    setup_django(migrate=False)
    if argv[0] == "ingest":
        ingest(*argv[1:3])
    elif argv[0] == "verify":
        verify()
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
