"""What the public may know about the hub's data, computed from the control plane only (no student-level read):
which organizations share which datasets from which systems, under which active agreements."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone

from commonground.governance.choices import AgreementStatus
from commonground.governance.elements import IDENTIFYING
from commonground.governance.models import Agreement
from commonground.ingest.choices import SubmissionStatus
from commonground.ingest.models import Submission


@dataclass(frozen=True)
class DatasetLine:
    """One organization's dataset as the public sees it: tables, source system, last update (no counts of people)."""

    organization: str
    system: str
    tables: list[str]
    last_received: dt.datetime


@dataclass(frozen=True)
class AgreementLine:
    """An active agreement as published: parties, purpose, basis, elements, term."""

    reference: str
    title: str
    disclosing: list[str]
    recipients: list[str]
    purpose: str
    purpose_category: str
    legal_basis: str
    elements: list[str]
    identifying: list[str] = field(default_factory=list)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    destruction_deadline: dt.date | None = None


def active_agreements(at: dt.datetime | None = None) -> list[AgreementLine]:
    """Agreements in force now, with their parties, for the public page."""
    now = at or timezone.now()
    agreements = (
        Agreement.objects.filter(status=AgreementStatus.ACTIVE)
        .in_force(now)
        .prefetch_related("parties__organization")
        .order_by("reference")
    )
    lines = []
    for agreement in agreements:
        parties: dict[str, list[str]] = {}
        for party in agreement.parties.all():
            parties.setdefault(party.role, []).append(party.organization.name)
        lines.append(
            AgreementLine(
                reference=agreement.reference,
                title=agreement.title,
                disclosing=sorted(parties.get("disclosing", [])),
                recipients=sorted(parties.get("recipient", [])),
                purpose=agreement.purpose,
                purpose_category=agreement.get_purpose_category_display(),
                legal_basis=agreement.get_legal_basis_display(),
                elements=sorted(agreement.elements),
                identifying=sorted(set(agreement.elements) & IDENTIFYING),
                starts_on=agreement.starts_on,
                ends_on=agreement.ends_on,
                destruction_deadline=agreement.destruction_deadline,
            )
        )
    return lines


def datasets() -> list[DatasetLine]:
    """Per organization and source system: the canonical tables accepted so far and when the latest arrived."""
    rows = (
        Submission.objects.filter(status=SubmissionStatus.ACCEPTED)
        .values("organization__name", "system__name", "dataset")
        .annotate(last=Max("decided_at"))
    )
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["organization__name"], row["system__name"] or "")
        entry = merged.setdefault(key, {"tables": set(), "last": row["last"]})
        entry["tables"].update(t for t in (row["dataset"] or "").split("+") if t and t != "empty")
        entry["last"] = max(entry["last"], row["last"])
    return [
        DatasetLine(org, system, sorted(entry["tables"]), entry["last"])
        for (org, system), entry in sorted(merged.items())
    ]
