"""Load a generated community's description (community.json) into the ecosystem registry.

Idempotent: organizations, systems and flows that already exist are left as they are, so running the demo
twice adds nothing.  Every write goes through the ecosystem actions, so each one is audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from commonground.demo.community_extras import HUB, OTHER_ORGANIZATIONS, flows_for
from commonground.ecosystem import actions
from commonground.ecosystem.models import DataFlow, InformationSystem, Organization

SYSTEM_FIELDS = (
    "vendor",
    "export_formats",
    "reporting_mandates",
    "legal_constraints",
    "technical_constraints",
)
ORG_FIELDS = ("description", "neighborhood", "address", "external_id")


def _coord(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(round(float(value), 6)))


def _organization(spec: dict[str, Any], kind: str, parent: Organization | None = None) -> Organization:
    existing = Organization.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    fields = {k: spec[k] for k in ORG_FIELDS if spec.get(k)}
    return actions.do_create_organization(
        acting_user=None,
        slug=spec["slug"],
        name=spec["name"],
        kind=kind,
        parent=parent,
        latitude=_coord(spec.get("latitude")),
        longitude=_coord(spec.get("longitude")),
        **fields,
    )


def _systems(org: Organization, specs: list[dict[str, Any]]) -> None:
    for spec in specs:
        if InformationSystem.objects.filter(organization=org, name=spec["name"]).exists():
            continue
        actions.do_create_system(
            acting_user=None,
            organization=org,
            name=spec["name"],
            kind=spec["kind"],
            data_held=spec["data_held"],
            **{k: spec[k] for k in SYSTEM_FIELDS if spec.get(k)},
        )


def _flows(specs: list[dict[str, str]]) -> None:
    for spec in specs:
        source = InformationSystem.objects.get(
            organization__slug=spec["source_org"], name=spec["source_system"]
        )
        target = InformationSystem.objects.get(
            organization__slug=spec["target_org"], name=spec["target_system"]
        )
        if DataFlow.objects.filter(source=source, target=target, what=spec["what"]).exists():
            continue
        actions.do_create_flow(
            acting_user=None,
            source=source,
            target=target,
            what=spec["what"],
            frequency=spec["frequency"],
            method=spec["method"],
        )


@transaction.atomic
def load_community(manifest: dict[str, Any]) -> dict[str, int]:
    """Create the community's organizations, systems and flows; return how many of each exist afterwards."""
    hub = _organization(HUB, "hub")
    _systems(hub, HUB["systems"])
    district_spec = manifest["district"]
    district = _organization(district_spec, "district")
    _systems(district, district_spec["systems"])
    for school in manifest["schools"]:
        _organization({**school, "external_id": school.get("school_id", "")}, "school", parent=district)
    for partner in manifest["partners"]:
        org = _organization(partner, partner["kind"])
        _systems(org, partner["systems"])
    for other in OTHER_ORGANIZATIONS:
        org = _organization(other, other["kind"])
        _systems(org, other["systems"])
    _flows(flows_for(manifest))
    return {
        "organizations": Organization.objects.count(),
        "systems": InformationSystem.objects.count(),
        "flows": DataFlow.objects.count(),
    }
