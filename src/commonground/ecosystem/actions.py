"""Writes to the ecosystem registry.  Each action is one transaction that writes its own audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from commonground.core import audit
from commonground.ecosystem.models import DataFlow, InformationSystem, Organization


def _changed_fields(obj: Any, fields: dict[str, Any]) -> dict[str, list[str]]:
    """Apply ``fields`` to ``obj`` and return ``{field: [old, new]}`` for the values that changed."""
    changes: dict[str, list[str]] = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return changes


@transaction.atomic
def do_create_organization(
    *, acting_user: Any, slug: str, name: str, kind: str, **fields: Any
) -> Organization:
    """Register an organization (district, school, nonprofit, agency, city office, funder or the hub)."""
    org = Organization(slug=slug, name=name, kind=kind, **fields)
    org.full_clean()
    org.save()
    audit.record(
        actor=acting_user,
        action="ecosystem.create_organization",
        obj=org,
        summary=f"Registered organization {org.name}",
        details={"slug": slug, "kind": kind},
    )
    return org


@transaction.atomic
def do_update_organization(*, acting_user: Any, organization: Organization, **fields: Any) -> Organization:
    """Change an organization's details; the audit row lists every changed field with old and new values."""
    changes = _changed_fields(organization, fields)
    if changes:
        organization.full_clean()
        organization.save()
        audit.record(
            actor=acting_user,
            action="ecosystem.update_organization",
            obj=organization,
            summary=f"Updated organization {organization.name}",
            details={"changes": changes},
        )
    return organization


@transaction.atomic
def do_create_system(
    *, acting_user: Any, organization: Organization, name: str, kind: str, data_held: str, **fields: Any
) -> InformationSystem:
    """Register an information system an organization already runs."""
    system = InformationSystem(organization=organization, name=name, kind=kind, data_held=data_held, **fields)
    system.full_clean()
    system.save()
    audit.record(
        actor=acting_user,
        action="ecosystem.create_system",
        obj=system,
        summary=f"Registered system {name} of {organization.name}",
        details={"kind": kind},
    )
    return system


@transaction.atomic
def do_update_system(*, acting_user: Any, system: InformationSystem, **fields: Any) -> InformationSystem:
    """Change an information system's details."""
    changes = _changed_fields(system, fields)
    if changes:
        system.full_clean()
        system.save()
        audit.record(
            actor=acting_user,
            action="ecosystem.update_system",
            obj=system,
            summary=f"Updated system {system.name}",
            details={"changes": changes},
        )
    return system


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
    flow = DataFlow(source=source, target=target, what=what, frequency=frequency, **fields)
    flow.full_clean()
    flow.save()
    audit.record(
        actor=acting_user,
        action="ecosystem.create_flow",
        obj=flow,
        summary=f"Recorded flow {source.name} → {target.name}",
        details={"what": what},
    )
    return flow


@transaction.atomic
def do_update_flow(*, acting_user: Any, flow: DataFlow, **fields: Any) -> DataFlow:
    """Change a data flow's details."""
    changes = _changed_fields(flow, fields)
    if changes:
        flow.full_clean()
        flow.save()
        audit.record(
            actor=acting_user,
            action="ecosystem.update_flow",
            obj=flow,
            summary=f"Updated flow {flow}",
            details={"changes": changes},
        )
    return flow
