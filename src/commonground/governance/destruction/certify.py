"""Verifying a destruction and issuing its certificate (steps 4 and 5 of :mod:`.actions`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings

from commonground.core import audit, keystore
from commonground.core.models import AuditEvent
from commonground.governance.destruction import backups
from commonground.governance.destruction import certificate as cert
from commonground.governance.destruction.apply import matcher
from commonground.governance.destruction.scope import Plan, performer
from commonground.governance.destruction.verify import scan
from commonground.governance.models import Agreement, DestructionCertificate
from commonground.home import hub_home

BACKUP_SUMMARY = "Backed up the hub to "  # how cli/backup.py names the folder in its audit entry


class DestructionFailed(RuntimeError):
    """The verification found destroyed data still readable; nothing was certified."""


def data_dir() -> Path:
    return Path(settings.COMMONGROUND_DATA_DIR)


def recorded_backups() -> list[Path]:
    rows = AuditEvent.objects.filter(action="core.backup").values_list("summary", flat=True)
    return [Path(s.removeprefix(BACKUP_SUMMARY)) for s in rows if s.startswith(BACKUP_SUMMARY)]


def row_counts(data: Path, plan: Plan) -> dict[str, int]:
    import pyarrow.parquet as pq

    counts: dict[str, int] = {}
    for slug in plan.slugs:
        for path in data.glob(f"batches/*/org={slug}/submission=*/*.parquet"):
            table = path.relative_to(data).parts[1]
            counts[table] = counts.get(table, 0) + pq.ParquetFile(path).metadata.num_rows
    return dict(sorted(counts.items()))


def verify_after(entry: dict[str, Any], key_ids: list[str]) -> dict[str, Any]:
    """Scan the live data folder and the latest reachable backup after the destruction."""

    def lookup(key_id: str) -> bytes:
        return keystore.key_by_id(key_id).key

    kwargs: dict[str, Any] = {
        "match": matcher(entry),
        "key_ids": key_ids,
        "lookup": lookup,
        "organizations": entry["organizations"] if entry["kind"] == "agreement" else (),
    }
    scans = [scan(data_dir(), label="live hub", **kwargs).as_dict()]
    found = backups.reachable(hub_home(), recorded_backups())
    if found:
        scans.append(scan(found[-1] / "data", label=f"latest backup {found[-1]}", **kwargs).as_dict())
    return {"scans": scans, "latest_backup": str(found[-1]) if found else None}


def media(plan: Plan, purges: list[backups.Purge]) -> dict[str, Any]:
    return {
        "media_type": "Magnetic or flash storage of the hub's host (files in the hub's data folder and backups)",
        "description": (
            "Parquet batches, quarantined rows, raw inbox deliveries and the linkage engine's records of "
            + ", ".join(plan.slugs)
            + "; their data keys in the key folder; control-plane rows in the hub's database"
        ),
        "source": str(data_dir()),
        "data_backed_up": "yes" if purges else "unknown (no backup on this machine)",
        "backup_locations": [p.folder for p in purges],
    }


def certify(
    *,
    entry: dict[str, Any],
    plan: Plan,
    acting_user: Any,
    performed: dict[str, str],
    method: str,
    reason: str,
    destroyed: dict[str, Any],
    purges: list[backups.Purge],
    validator: dict[str, str] | None,
    agreement: Agreement | None,
) -> DestructionCertificate:
    verification = verify_after(entry, destroyed.get("key_ids", []))
    body = cert.body(
        certificate_id=entry["id"],
        kind=entry["kind"],
        issued_at=entry["at"],
        performed=performed,
        media=media(plan, purges),
        method_details=method,
        reason=reason,
        destroyed={**destroyed, "backups_purged": [p.as_dict() for p in purges]},
        verification=verification,
        validator=validator,
    )
    bad = [s for s in verification["scans"] if not s["clean"]]
    if bad:
        raise DestructionFailed(
            "Destruction NOT verified; nothing was certified and the database was left as it was: "
            + "; ".join(f"{s['folder']}: {s['files']} files, {s['rows']} rows, {s['decryptable']} decryptable"
                        for s in bad)
            + ". Run `commonground destroy replay` once the cause is fixed."
        )  # fmt: skip
    signed = cert.sign(body)
    record = DestructionCertificate.objects.create(
        certificate_id=entry["id"],
        kind=entry["kind"],
        agreement=agreement,
        agreement_reference=agreement.reference if agreement else "",
        hub_person_id=entry.get("hub_person_ids", [""])[0] if entry["kind"] == "student" else "",
        issued_at=dt.datetime.fromisoformat(entry["at"]),
        performed_by=acting_user if getattr(acting_user, "pk", None) else None,
        performed_by_label=performed["name"][:200],
        body=signed.body,
        body_sha256=signed.sha256,
        public_key=signed.public_key,
        signature=signed.signature,
    )
    what = f"agreement {agreement.reference}" if agreement else f"student {record.hub_person_id}"
    audit.record(
        actor=acting_user,
        action=f"governance.destroy_{entry['kind']}_data",
        obj=record,
        summary=f"Destroyed the data of {what}; certificate {record.certificate_id}",
        details={
            "certificate": record.certificate_id,
            "sha256": signed.sha256,
            "signature": signed.signature,
        },
    )
    return record


def performer_fields(acting_user: Any, performed_by: str, title: str) -> dict[str, str]:
    from commonground.ecosystem.models import Organization

    hub = Organization.objects.filter(kind="hub").order_by("pk").first()
    return {
        "name": performer(acting_user, performed_by),
        "title": title.strip() or "Hub steward",
        "organization": hub.name if hub else "The hub",
        "user": acting_user.get_username() if getattr(acting_user, "pk", None) else "",
    }
