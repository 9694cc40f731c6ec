"""``commonground backup`` and ``commonground restore``: signed, verified copies of the whole hub (keys apart)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import FAILURE, USAGE, fail
from commonground.home import HomeError

HomeOption = Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")]


def _engine() -> tuple[str, str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return ("sqlite" if str(db["ENGINE"]).endswith("sqlite3") else "postgresql"), str(db["NAME"])


def _state() -> tuple[tuple[int, str], list[int]]:
    from commonground.core import chain
    from commonground.core.models import AuditChainHead
    from commonground.ingest.choices import SubmissionStatus
    from commonground.ingest.models import Submission

    head = AuditChainHead.objects.filter(pk=1).first()
    accepted = sorted(
        Submission.objects.filter(status=SubmissionStatus.ACCEPTED).values_list("pk", flat=True)
    )
    return ((head.size, head.head_hash) if head else (0, chain.GENESIS)), accepted


def _audit(action: str, summary: str, details: dict[str, Any]) -> None:
    from django.db import transaction

    from commonground.core import audit

    with transaction.atomic():
        audit.record(actor=None, action=action, summary=summary, details=details)


def backup(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="A new folder for the backup (default: <home>/backups/<time>)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Copy the database and the data folder, consistently, with a signed manifest of every file's SHA-256."""
    try:
        hub = setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from django.conf import settings

    from commonground.core.backup import BackupError, make_backup

    engine, database = _engine()
    head, accepted = _state()
    folder = out or hub / "backups" / dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    try:
        manifest = make_backup(
            folder,
            engine=engine,
            database=database,
            data_dir=Path(settings.COMMONGROUND_DATA_DIR),
            audit_head=head,
            accepted=accepted,
        )
    except BackupError as exc:
        fail(str(exc))
    total = sum(f["size"] for f in manifest["files"])
    _audit("core.backup", f"Backed up the hub to {folder}", {"files": len(manifest["files"]), "bytes": total})
    typer.echo(
        f"backup written to {folder}: {len(manifest['files'])} files, {total:,} bytes, audit log at entry "
        f"{head[0]}, {len(accepted)} accepted submissions; keys are not included — keep them apart"
    )


def restore(
    folder: Annotated[Path, typer.Argument(help="A folder written by `commonground backup`.")],
    force: Annotated[bool, typer.Option("--force", help="Replace a hub that already holds data.")] = False,
    public_key: Annotated[
        str | None, typer.Option("--public-key", help="Check the manifest with this key (hex).")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Check a backup's signature and every file, put it in place, then verify the audit chain and the batches."""
    if not folder.is_dir():
        fail(f"no such backup folder: {folder}", code=USAGE)
    try:
        setup_django(home)
    except HomeError as exc:
        fail(str(exc))
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from commonground.core.backup import BackupError, check_backup, restore_files

    engine, database = _engine()
    data_dir = Path(settings.COMMONGROUND_DATA_DIR)
    try:
        checked = check_backup(folder, public_key)
    except BackupError as exc:
        fail(f"{exc}; nothing was changed", code=FAILURE)
    has_data = (data_dir / "batches").exists() or (engine == "sqlite" and Path(database).exists())
    if has_data and not force:
        fail(
            "this hub already holds a database or data; restore into a new --home, or add --force", code=USAGE
        )
    connections.close_all()
    try:
        restore_files(checked, engine=engine, database=database, data_dir=data_dir)
    except BackupError as exc:
        fail(str(exc))
    call_command("migrate", interactive=False, verbosity=0)
    destroyed = _replay_destructions()
    problems = _verify_restored(checked.manifest, destroyed)
    if problems:
        fail("restored, but the check FAILED: " + "; ".join(problems))
    _audit(
        "core.restore",
        f"Restored the hub from {folder}",
        {"backup_created_at": checked.manifest["created_at"]},
    )
    typer.echo(
        f"restored from {folder}: audit log intact up to entry {checked.manifest['audit']['size']}, "
        f"{len(checked.manifest['accepted_submissions'])} accepted submissions with their batches"
    )


def _replay_destructions() -> set[int]:
    """Re-apply the destruction ledger (kept with the keys), so a restore never brings destroyed data back."""
    from commonground.governance.destruction import replay
    from commonground.governance.destruction.ledger import LedgerError

    try:
        done = replay()
    except LedgerError as exc:
        fail(f"restored, but the destruction ledger cannot be trusted: {exc}")
    if done.changed:
        typer.echo(f"re-applied {len(done.changed)} destructions from the destruction ledger")
    return done.destroyed_submissions


def _verify_restored(manifest: dict[str, Any], destroyed: set[int] | None = None) -> list[str]:
    from commonground.core import auditlog
    from commonground.core.models import AuditEvent
    from commonground.ingest import dataplane

    problems = list(auditlog.verify().problems)
    size, head_hash = manifest["audit"]["size"], manifest["audit"]["head_hash"]
    if size and not AuditEvent.objects.filter(seq=size, entry_hash=head_hash).exists():
        problems.append(f"the audit log does not hold entry {size} as it was at backup time")
    _head, accepted = _state()
    if accepted != [s for s in manifest["accepted_submissions"] if s not in (destroyed or set())]:
        problems.append("the accepted submissions differ from the backup's manifest")
    for slug, sid in dataplane.accepted_batches():
        if not any(dataplane.data_dir().glob(f"batches/*/org={slug}/submission={sid}")):
            problems.append(f"submission {sid} has no batch on disk")
    return problems
