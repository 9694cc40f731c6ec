"""Checking a stored certificate of destruction: its hash, its signature and the audit entry that recorded it."""

from __future__ import annotations

from commonground.core.models import AuditEvent
from commonground.governance.destruction import certificate as cert
from commonground.governance.models import DestructionCertificate

#: Audit actions that record a certificate's SHA-256 (``details.certificate`` and ``details.sha256``).
RECORDING_ACTIONS = (
    "governance.destroy_agreement_data",
    "governance.destroy_student_data",
    "governance.replay_destruction",
)


def audited_sha256(certificate_id: str) -> str | None:
    """The SHA-256 the audit chain recorded for the certificate (the latest entry naming it), if any."""
    row = (
        AuditEvent.objects.filter(action__in=RECORDING_ACTIONS, details__certificate=certificate_id)
        .order_by("-seq")
        .values_list("details", flat=True)
        .first()
    )
    return str(row["sha256"]) if isinstance(row, dict) and row.get("sha256") else None


def check_certificate(record: DestructionCertificate, trusted_key: str | None = None) -> list[str]:
    """Why ``record`` does not verify (empty when its hash, signature and audit entry all agree)."""
    return cert.problems(
        record.body,
        sha256=record.body_sha256,
        signature=record.signature,
        public_key=record.public_key,
        trusted_key=trusted_key,
        audited_sha256=audited_sha256(record.certificate_id),
    )
