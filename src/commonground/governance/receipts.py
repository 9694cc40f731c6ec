"""Consent receipts: what the family keeps as proof of what they agreed to (JSON, and a printable page).

The fields follow the spirit of the Kantara Initiative's Consent Receipt: who collected it, whose data, for what
purpose, shared with whom, until when, and how to withdraw it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from commonground.ecosystem.choices import OrganizationKind
from commonground.governance import elements as catalog
from commonground.governance.models import Consent

RECEIPT_VERSION = "commonground-consent-receipt/1"
RIGHTS = (
    "You may revoke this consent at any time. Revocation stops every further disclosure at once.",
    "On request you receive a copy of the records disclosed under it (34 CFR 99.30(c)).",
    "You may see the record of who received your child's records, and when (34 CFR 99.32(c)).",
    "No one may pass these records on without your consent, except as the law allows (34 CFR 99.33).",
)


def _org(org: Any) -> dict[str, str]:
    return {"slug": org.slug, "name": org.name}


def consent_receipt(consent: Consent, at: dt.datetime) -> dict[str, Any]:
    """The receipt of ``consent`` as it stands at ``at`` (JSON-ready)."""
    verification = None
    if consent.signature_method == "electronic":
        verification = {
            "method": consent.verification_method,
            "method_label": consent.get_verification_method_display(),
            "identity": consent.verified_identity,
            "verified_at": consent.verified_at.isoformat() if consent.verified_at else None,
        }
    revocation = None
    if consent.revoked_at is not None:
        revocation = {
            "revoked_at": consent.revoked_at.isoformat(),
            "requested_by": consent.revocation_requested_by,
            "reason": consent.revocation_reason,
        }
    return {
        "receipt_version": RECEIPT_VERSION,
        "receipt_id": f"CG-CONSENT-{consent.pk:06d}",
        "issued_at": at.isoformat(),
        "jurisdiction": "United States: FERPA, 34 CFR 99.30",
        "hub": getattr(settings, "COMMONGROUND_HUB_NAME", "Common Ground"),
        "collected_by": _org(consent.collected_by),
        "student": {
            "name": consent.student_name,
            "record": {"organization": consent.source_organization.slug, "id": consent.source_person_id},
            "hub_person_id": consent.hub_person_id,
        },
        "signer": {
            "name": consent.signer_name,
            "relationship": consent.relationship,
            "relationship_label": consent.get_relationship_display(),
        },
        "records": [{"element": e, "label": catalog.label(e)} for e in consent.elements],
        "purpose": consent.purpose,
        "purpose_category": consent.purpose_category,
        "purpose_label": consent.get_purpose_category_display(),
        "recipients": [_org(o) for o in consent.recipients.order_by("name")],
        "recipient_class": (
            {
                "kind": consent.recipient_class,
                "label": f"Every {OrganizationKind(consent.recipient_class).label.lower()} in the hub",
            }
            if consent.recipient_class
            else None
        ),
        "signed_on": consent.signed_on.isoformat(),
        "signature": {
            "method": consent.signature_method,
            "method_label": consent.get_signature_method_display(),
            "form_reference": consent.form_reference,
            "verification": verification,
        },
        "expires_on": consent.expires_on.isoformat() if consent.expires_on else None,
        "status": consent.status_label(at),
        "revocation": revocation,
        "rights": list(RIGHTS),
    }
