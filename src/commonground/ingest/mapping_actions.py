"""Saved tabular mappings: the mapping wizard's "Save", and how uploads find the mapping to use."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest.connectors.mapping import Mapping, MappingError, load_mapping
from commonground.ingest.models import SavedMapping


@transaction.atomic
def do_save_mapping(
    *, acting_user: Any, system: InformationSystem, name: str, yaml_text: str
) -> SavedMapping:
    """Save a new version of the mapping ``name`` for ``system``'s exports (the newest version is used).

    The YAML is validated first; a mapping that cannot be used raises ``ValidationError`` with the reason.
    """
    name = name.strip()
    if not name:
        raise ValidationError("a saved mapping needs a name")
    try:
        mapping = load_mapping(yaml_text)
    except MappingError as exc:
        raise ValidationError(str(exc)) from exc
    saved = SavedMapping.objects.create(
        organization=system.organization,
        system=system,
        table=mapping.table,
        name=name,
        yaml_text=yaml_text,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
        created_at=timezone.now(),
    )
    versions = SavedMapping.objects.filter(system=system, name=name).count()
    audit.record(
        actor=acting_user,
        action="ingest.save_mapping",
        obj=saved,
        summary=f"Saved mapping {name!r} (version {versions}) for {system}",
        details={"system": system.pk, "table": mapping.table, "version": versions},
    )
    return saved


def current_mappings(system: InformationSystem | None) -> list[SavedMapping]:
    """The newest version of each of ``system``'s saved mappings, by name."""
    if system is None:
        return []
    newest: dict[str, SavedMapping] = {}
    for saved in SavedMapping.objects.filter(system=system).order_by("name", "-created_at", "-id"):
        newest.setdefault(saved.name, saved)
    return list(newest.values())


def current_mapping_ids(organizations: QuerySet[Organization]) -> list[int]:
    """Ids of the newest version of every saved mapping of these organizations' systems."""
    newest: dict[tuple[int, str], int] = {}
    rows = SavedMapping.objects.filter(organization__in=organizations).order_by("-created_at", "-id")
    for pk, system_id, name in rows.values_list("pk", "system_id", "name"):
        newest.setdefault((system_id, name), pk)
    return list(newest.values())


def find_mapping(system: InformationSystem, *, name: str = "", table: str = "") -> SavedMapping | None:
    """The newest saved mapping of ``system`` with this name (or, without a name, for this table)."""
    queryset = SavedMapping.objects.filter(system=system)
    if name:
        queryset = queryset.filter(name=name)
    elif table:
        queryset = queryset.filter(table=table)
    else:
        return None
    return queryset.order_by("-created_at", "-id").first()


def as_mapping(saved: SavedMapping) -> Mapping:
    """The validated mapping of a saved row (it was validated when saved)."""
    return load_mapping(saved.yaml_text)
