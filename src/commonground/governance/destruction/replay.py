"""Re-applying the destruction ledger: a restored hub never resurrects destroyed rows.

``commonground restore`` calls :func:`replay` after it has put a backup in place (and ``commonground destroy
replay`` runs it on demand, e.g. to finish a destruction a crash interrupted). Each destruction entry of the
ledger is applied again, idempotently (:mod:`.apply`, ``whole=False``): its submissions' folders and rows, its
data keys if a key backup brought them back, its registry records and population facts. A certificate missing
from the restored database is put back exactly as signed (from the ledger's certificate line); a destruction that
never got its certificate (the process died) is verified and certified now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.governance.destruction import ledger
from commonground.governance.destruction.apply import apply_control, apply_files, destroy_keys
from commonground.governance.destruction.certify import certify, performer_fields
from commonground.governance.destruction.scope import Plan
from commonground.governance.models import Agreement, DestructionCertificate
from commonground.ingest import dataplane


@dataclass
class Replayed:
    """What a replay did."""

    entries: int = 0
    changed: list[str] = field(default_factory=list)
    certificates_restored: list[str] = field(default_factory=list)
    destroyed_submissions: set[int] = field(default_factory=set)


def _reinstate(stored: dict[str, Any], certificate_id: str) -> DestructionCertificate:
    agreement = Agreement.objects.filter(reference=stored["agreement_reference"]).first()
    return DestructionCertificate.objects.create(
        certificate_id=certificate_id,
        kind=stored["kind"],
        agreement=agreement if stored["agreement_reference"] else None,
        agreement_reference=stored["agreement_reference"],
        hub_person_id=stored["hub_person_id"],
        issued_at=dt.datetime.fromisoformat(stored["issued_at"]),
        performed_by_label=stored["performed_by_label"],
        body=stored["body"],
        body_sha256=stored["body_sha256"],
        public_key=stored["public_key"],
        signature=stored["signature"],
    )


def _certify_late(entry: dict[str, Any], acting_user: Any, done: dict[str, Any]) -> DestructionCertificate:
    agreement = Agreement.objects.filter(reference=entry.get("agreement", "")).first()
    plan = Plan(
        organizations=list(Organization.objects.filter(slug__in=entry["organizations"])),
        submissions=[],
        hub_ids=list(entry.get("hub_person_ids", [])),
    )
    return certify(
        entry=entry, plan=plan, acting_user=acting_user, performed=performer_fields(acting_user, "", ""),
        method="Completed by replaying the destruction ledger after an interruption",
        reason="The destruction was interrupted before it was certified; completed by `destroy replay`.",
        destroyed={**done, "organizations": entry["organizations"], "key_ids": sorted(entry.get("keys", {}).values())},
        purges=[], validator=None, agreement=agreement if entry["kind"] == "agreement" else None,
    )  # fmt: skip


def replay(*, acting_user: Any = None, public_key_hex: str | None = None) -> Replayed:
    """Re-apply every destruction of the ledger to this hub; :class:`.ledger.LedgerError` if it was tampered with."""
    entries = ledger.entries(public_key_hex)
    certificates = {e["id"]: e["certificate"] for e in entries if e["type"] == "certificate"}
    result = Replayed()
    data = Path(settings.COMMONGROUND_DATA_DIR)
    for entry in (e for e in entries if e["type"] == "destruction"):
        result.entries += 1
        if entry["kind"] == "agreement":
            result.destroyed_submissions.update(int(s) for s in entry["submissions"])
        with dataplane.publish_lock(), transaction.atomic():
            files = apply_files(data, entry, whole=False)
            keys = destroy_keys(entry)
            control = apply_control(entry, acting_user=acting_user)
            done = {
                "files_removed": files.files,
                "rows_removed": files.rows,
                **control,
                "keys_destroyed": keys,
            }
            present = DestructionCertificate.objects.filter(certificate_id=entry["id"]).exists()
            if not present and entry["id"] in certificates:
                record = _reinstate(certificates[entry["id"]], entry["id"])
                done.update(certificate=record.certificate_id, sha256=record.body_sha256)
                result.certificates_restored.append(entry["id"])
            elif not present:
                _certify_late(entry, acting_user, done)  # audited as a destruction, with its own entry
                result.certificates_restored.append(entry["id"])
            if files.files or files.rows or keys or any(control.values()) or not present:
                result.changed.append(entry["id"])
                audit.record(
                    actor=acting_user,
                    action="governance.replay_destruction",
                    summary=f"Re-applied destruction {entry['id']} from the destruction ledger",
                    details={"destruction": entry["id"], **done, "certificate_restored": not present},
                )
    return result
