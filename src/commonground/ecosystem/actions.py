"""Writes to the ecosystem registry.  Each action is one transaction that writes its own audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from commonground.core.actions import create_audited, update_audited
from commonground.ecosystem.models import DataFlow, InformationSystem, Organization


@transaction.atomic
def do_create_organization(
    *, acting_user: Any, slug: str, name: str, kind: str, **fields: Any
) -> Organization:
    """Register an organization (district, school, nonprofit, agency, city office, funder or the hub)."""
    return create_audited(
        Organization(slug=slug, name=name, kind=kind, **fields),
        acting_user=acting_user,
        action="ecosystem.create_organization",
        summary=f"Registered organization {name}",
        details={"slug": slug, "kind": kind},
    )


@transaction.atomic
def do_update_organization(*, acting_user: Any, organization: Organization, **fields: Any) -> Organization:
    """Change an organization's details; the audit row lists every changed field with old and new values."""
    return update_audited(
        organization,
        fields,
        acting_user=acting_user,
        action="ecosystem.update_organization",
        summary=f"Updated organization {organization.name}",
    )


@transaction.atomic
def do_create_system(
    *, acting_user: Any, organization: Organization, name: str, kind: str, data_held: str, **fields: Any
) -> InformationSystem:
    """Register an information system an organization already runs."""
    return create_audited(
        InformationSystem(organization=organization, name=name, kind=kind, data_held=data_held, **fields),
        acting_user=acting_user,
        action="ecosystem.create_system",
        summary=f"Registered system {name} of {organization.name}",
        details={"kind": kind},
    )


@transaction.atomic
def do_update_system(*, acting_user: Any, system: InformationSystem, **fields: Any) -> InformationSystem:
    """Change an information system's details."""
    return update_audited(
        system,
        fields,
        acting_user=acting_user,
        action="ecosystem.update_system",
        summary=f"Updated system {system.name}",
    )


@transaction.atomic
def do_create_flow(
    *,
    acting_user: Any,
    source: InformationSystem,
    target: InformationSystem,
    what: str,
    frequency: str,
    **fields: Any,
) -> DataFlow:
    """Record a flow of data from one system to another."""
    return create_audited(
        DataFlow(source=source, target=target, what=what, frequency=frequency, **fields),
        acting_user=acting_user,
        action="ecosystem.create_flow",
        summary=f"Recorded flow {source.name} → {target.name}",
        details={"what": what},
    )


@transaction.atomic
def do_update_flow(*, acting_user: Any, flow: DataFlow, **fields: Any) -> DataFlow:
    """Change a data flow's details."""
    return update_audited(
        flow, fields, acting_user=acting_user, action="ecosystem.update_flow", summary=f"Updated flow {flow}"
    )
