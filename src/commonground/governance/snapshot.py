"""An agreement's terms as one JSON-ready dict: what versions store, what documents render, what
the requirements check.  Reading a snapshot needs no database, so any version can be rendered or compared.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commonground.governance import elements as catalog
from commonground.governance.choices import (
    GoverningLaw,
    LegalBasis,
    PartyRole,
    PopulationKind,
    PurposeCategory,
    StudyAim,
)
from commonground.governance.models import Agreement, DirectoryDesignation
from commonground.governance.requirements import AgreementFacts
from commonground.people.choices import Role

TEXT_FIELDS = (
    "reference",
    "title",
    "status",
    "legal_basis",
    "purpose_category",
    "purpose",
    "study_aim",
    "evaluated_program",
    "activity_description",
    "institutional_function",
    "direct_control",
    "annual_notice_criteria",
    "consent_form",
    "destruction_method",
    "redisclosure_terms",
    "protection_policies",
    "deidentification_method",
    "end_reason",
    "destruction_certified_by",
)
FLAG_FIELDS = ("limits_use_to_purpose", "restricts_identification", "designates_authorized_representative")
DATE_FIELDS = ("starts_on", "ends_on", "destruction_deadline", "destroyed_on")


def _org(org: Any) -> dict[str, str]:
    return {"slug": org.slug, "name": org.name}


def population_description(kind: str, schools: list[str], program_org: str, program: str) -> str:
    """The covered students in one sentence ("" when no population is set)."""
    if kind == PopulationKind.DISTRICT:
        return "All students of the disclosing district."
    if kind == PopulationKind.SCHOOLS:
        return f"Students enrolled at {', '.join(schools)}." if schools else ""
    if kind == PopulationKind.PROGRAM:
        what = f"the {program} program of {program_org}" if program else f"the programs of {program_org}"
        return f"Students who participate in {what}." if program_org else ""
    return ""


def build(agreement: Agreement) -> dict[str, Any]:
    """Every term of ``agreement`` (and the names of what it refers to) as plain JSON values."""
    snap: dict[str, Any] = {name: getattr(agreement, name) for name in TEXT_FIELDS}
    snap.update({name: bool(getattr(agreement, name)) for name in FLAG_FIELDS})
    snap.update({name: _iso(getattr(agreement, name)) for name in DATE_FIELDS})
    snap["version"] = agreement.version
    parties = list(agreement.parties.select_related("organization"))
    snap["parties"] = {
        role: [_org(p.organization) for p in parties if p.role == role] for role in PartyRole.values
    }
    snap["signatories"] = [
        {
            "name": s.name,
            "title": s.title,
            "organization": s.organization.name,
            "signed_on": _iso(s.signed_on),
        }
        for s in agreement.signatories.select_related("organization")
    ]
    snap["elements"] = list(agreement.elements)
    snap["governing_laws"] = dict(sorted((agreement.governing_laws or {}).items()))
    schools = [o.name for o in agreement.population_schools.order_by("name")]
    program_org = agreement.population_program_organization
    snap["population"] = {
        "kind": agreement.population_kind,
        "schools": schools,
        "program_organization": program_org.name if program_org else "",
        "program": agreement.population_program,
        "description": population_description(
            agreement.population_kind,
            schools,
            program_org.name if program_org else "",
            agreement.population_program,
        ),
    }
    snap["recipient_roles"] = list(agreement.recipient_roles)
    snap["required_training"] = [
        {"slug": c.slug, "name": c.name, "valid_for_days": c.valid_for_days}
        for c in agreement.required_training.order_by("name")
    ]
    snap["extra_clauses"] = list(agreement.extra_clauses)
    snap["directory"] = _directory(snap["parties"]["disclosing"])
    return snap


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _directory(disclosing: list[dict[str, str]]) -> dict[str, Any] | None:
    """The disclosing districts' directory designations in effect today (their intersection)."""
    if not disclosing:
        return None
    today = timezone.localdate()
    common: set[str] | None = None
    notices = []
    for party in disclosing:
        designation = DirectoryDesignation.objects.current(_district(party["slug"]), today)
        if designation is None:
            return None
        common = set(designation.elements) if common is None else common & set(designation.elements)
        published = designation.notice_published_on
        notices.append(
            f"{party['name']} published on {published:%B} {published.day}, {published.year} ({designation.notice_reference})"
        )
    return {"elements": catalog.check(common or set()), "notice": "; ".join(notices)}


def _district(slug: str) -> Any:
    from commonground.ecosystem.models import Organization

    return Organization.objects.get(slug=slug)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def facts(snap: dict[str, Any]) -> AgreementFacts:
    """The requirements' view of a snapshot."""
    directory = snap.get("directory")
    known = AgreementFacts.__dataclass_fields__
    values: dict[str, Any] = {name: snap.get(name) or "" for name in TEXT_FIELDS if name in known}
    values.update({name: bool(snap.get(name)) for name in FLAG_FIELDS})
    return AgreementFacts(
        basis=snap["legal_basis"],
        disclosing=tuple(p["name"] for p in snap["parties"]["disclosing"]),
        recipients=tuple(p["name"] for p in snap["parties"]["recipient"]),
        recipient_roles=tuple(snap["recipient_roles"]),
        elements=tuple(snap["elements"]),
        population=snap["population"]["description"],
        starts_on=_date(snap["starts_on"]),
        ends_on=_date(snap["ends_on"]),
        destruction_deadline=_date(snap["destruction_deadline"]),
        governing_laws=dict(snap["governing_laws"]),
        directory_elements=frozenset(directory["elements"]) if directory else None,
        directory_notice=directory["notice"] if directory else "",
        **values,
    )


def labels(snap: dict[str, Any]) -> dict[str, str]:
    """Readable names of the snapshot's codes (basis, purpose category, aim) for documents."""
    return {
        "legal_basis": str(LegalBasis(snap["legal_basis"]).label) if snap["legal_basis"] else "",
        "purpose_category": str(PurposeCategory(snap["purpose_category"]).label)
        if snap["purpose_category"]
        else "",
        "study_aim": str(StudyAim(snap["study_aim"]).label) if snap.get("study_aim") else "",
        "roles": ", ".join(str(Role(r).label) for r in snap["recipient_roles"]),
    }


def law_label(code: str) -> str:
    """The name of a governing law code."""
    return str(GoverningLaw(code).label) if code in GoverningLaw.values else code
