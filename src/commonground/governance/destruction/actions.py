"""The destruction actions: destroy, verify, certify — in one control-plane transaction with its audit entry.

Order of the steps, and why:

1. Plan and refuse (:mod:`.scope`) under the agreement's row lock and the data folder's publish lock, so no
   ingest publishes a batch of a destroyed organization half-way through.
2. Write the destruction ledger entry (:mod:`.ledger`) *before* touching a file: if the process dies after the
   files went but before the database committed, the entry is there for ``destroy replay`` (and ``restore``)
   to finish the job; a destruction is never forgotten.
3. Remove the files (fsync), destroy the data keys (crypto-shredding), purge the backups on this machine, and
   delete the control-plane rows (registry records, population facts, submissions) — the record of
   disclosures is not touched.
4. Verify (:mod:`.verify`): the live data folder and the latest backup must hold 0 files and 0 rows of what was
   destroyed and 0 ciphertexts that decrypt; otherwise the transaction is rolled back and the error says what
   was found.
5. Sign the certificate, store it and append it to the audit chain, in the same transaction; after the commit,
   copy the signed certificate into the ledger, so a restored hub gets it back.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from commonground.core import audit, keystore
from commonground.governance.actions.versions import locked
from commonground.governance.destruction import backups, ledger
from commonground.governance.destruction.apply import apply_control, apply_files, destroy_keys
from commonground.governance.destruction.certify import (
    DestructionFailed,
    certify,
    data_dir,
    performer_fields,
    recorded_backups,
    row_counts,
)
from commonground.governance.destruction.scope import Plan, plan_agreement, plan_student
from commonground.governance.gate import system_read
from commonground.governance.models import Agreement, DestructionCertificate, DisclosureRecord
from commonground.home import hub_home
from commonground.ingest import dataplane

__all__ = ["DestructionFailed", "do_destroy_agreement_data", "do_destroy_student_data"]


def _run(
    entry: dict[str, Any], plan: Plan, *, acting_user: Any, reason: str, method: str, performed: dict[str, str],
    validator: dict[str, str] | None, agreement: Agreement | None, before: dict[str, Any],
) -> DestructionCertificate:  # fmt: skip
    """Steps 3–5 of the module docstring, inside the caller's transaction."""
    ledger.append(entry)
    with system_read(f"destruction {entry['id']}", actor=acting_user, details={"kind": entry["kind"]}):
        live = apply_files(data_dir(), entry, whole=True)
        key_ids = destroy_keys(entry)
        purges = backups.purge_all(
            hub_home(),
            recorded_backups(),
            lambda data, purge: _merge(purge, apply_files(data, entry, whole=True, live=False)),
            destruction_id=entry["id"],
        )
        control = apply_control(entry, acting_user=acting_user)
        if entry["kind"] == "agreement":
            before = {**before, "files_removed": live.files}
        else:
            before = {"rows_removed": live.rows, "inbox_files_removed": live.files}
        kept = DisclosureRecord.objects.filter(hub_person_id__in=plan.hub_ids).count()
        destroyed = {
            **before,
            **control,
            "organizations": plan.slugs,
            "kept": [{"organization": s, "still_covered_by": r} for s, r in sorted(plan.kept.items())],
            "submissions": [
                {
                    "id": s.pk,
                    "format": s.format,
                    "submitted_at": s.submitted_at.isoformat(),
                    "rows": s.row_counts,
                }
                for s in plan.submissions
            ]
            if entry["kind"] == "agreement"
            else [s.pk for s in plan.submissions],
            "key_ids": key_ids,
            "disclosure_records_kept": kept,
        }
        record = certify(
            entry=entry, plan=plan, acting_user=acting_user, performed=performed, method=method, reason=reason,
            destroyed=destroyed, purges=purges, validator=validator, agreement=agreement,
        )  # fmt: skip
    _clear_caches()
    return record


def _merge(purge: backups.Purge, done: backups.Purge) -> None:
    purge.files += done.files
    purge.rows += done.rows
    purge.submissions = done.submissions


def _clear_caches() -> None:
    """Drop in-process caches built from the data plane (the action lists' school calendar)."""
    from commonground.actionlists import schooldays

    schooldays._CACHE.clear()


def _check_words(reason: str, method: str) -> None:
    from django.core.exceptions import ValidationError

    if not reason.strip():
        raise ValidationError("Say why the data is destroyed (the agreement ended, the request, the order).")
    if not method.strip():
        raise ValidationError("Say how the data is destroyed (e.g. the agreement's destruction method).")


def do_destroy_agreement_data(
    agreement: Agreement,
    *,
    acting_user: Any,
    reason: str,
    method: str,
    performed_by: str = "",
    title: str = "",
    validator: dict[str, str] | None = None,
) -> DestructionCertificate:
    """Destroy the data an ended agreement covers (see :mod:`.scope`), verify it, and return the certificate."""
    _check_words(reason, method)
    with dataplane.publish_lock(), transaction.atomic(durable=True):
        agreement = locked(agreement)
        plan = plan_agreement(agreement)
        scopes = keystore.scopes()
        entry = {
            "type": "destruction",
            "id": uuid.uuid4().hex,
            "kind": "agreement",
            "at": audit.iso(timezone.now()),
            "agreement": agreement.reference,
            "organizations": plan.slugs,
            "submissions": [s.pk for s in plan.submissions],
            "inbox": [r for slug in plan.slugs for r in _inbox(slug)],
            "keys": {f"org:{s}": scopes[f"org:{s}"] for s in plan.slugs if f"org:{s}" in scopes},
            "hub_person_ids": plan.hub_ids,
        }
        record = _run(
            entry, plan, acting_user=acting_user, reason=reason, method=method, agreement=agreement,
            performed=performer_fields(acting_user, performed_by, title), validator=validator,
            before={"rows": row_counts(data_dir(), plan)},
        )  # fmt: skip
    ledger.append({"type": "certificate", "id": record.certificate_id, "certificate": _stored(record)})
    return record


def do_destroy_student_data(
    hub_person_id: str,
    *,
    acting_user: Any,
    reason: str,
    method: str = "Rows deleted from every batch (files rewritten and replaced atomically)",
    performed_by: str = "",
    title: str = "",
    validator: dict[str, str] | None = None,
) -> DestructionCertificate:
    """Destroy one student's data on a lawful request (allowed while agreements are in force); return the certificate.

    The student's rows are removed from every batch by rewriting the files; their organization's data key serves
    other students, so it is not destroyed: backups elsewhere are covered by the ledger, which ``restore``
    re-applies.
    """
    _check_words(reason, method)
    with dataplane.publish_lock(), transaction.atomic(durable=True):
        plan = plan_student(hub_person_id)
        key = ledger.token_key()
        entry = {
            "type": "destruction",
            "id": uuid.uuid4().hex,
            "kind": "student",
            "at": audit.iso(timezone.now()),
            "organizations": plan.slugs,
            "submissions": [s.pk for s in plan.submissions],
            "inbox": [r for slug in plan.slugs for r in _inbox(slug)],
            "tokens": sorted(ledger.person_token(o, p, key) for o, p in plan.pairs),
            "hub_person_ids": plan.hub_ids,
        }
        record = _run(
            entry, plan, acting_user=acting_user, reason=reason, method=method, agreement=None,
            performed=performer_fields(acting_user, performed_by, title), validator=validator, before={},
        )  # fmt: skip
    ledger.append({"type": "certificate", "id": record.certificate_id, "certificate": _stored(record)})
    return record


def _inbox(slug: str) -> list[str]:
    from commonground.governance.destruction.files import inbox_deliveries

    return inbox_deliveries(data_dir(), slug)


def _stored(record: DestructionCertificate) -> dict[str, Any]:
    """The certificate as the ledger keeps it (enough to put it back, signature intact)."""
    return {
        "kind": record.kind,
        "agreement_reference": record.agreement_reference,
        "hub_person_id": record.hub_person_id,
        "issued_at": record.issued_at.isoformat(),
        "performed_by_label": record.performed_by_label,
        "body": record.body,
        "body_sha256": record.body_sha256,
        "public_key": record.public_key,
        "signature": record.signature,
    }
