"""Ingest policies: how many rows with row-level errors may be quarantined before a submission is rejected."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest.connectors.canonical import SCHEMAS
from commonground.ingest.connectors.quarantine import Limits
from commonground.ingest.models import IngestPolicy


def default_limits() -> Limits:
    """The hub's defaults from settings (``COMMONGROUND_QUARANTINE_MAX_ROWS`` / ``_MAX_PERCENT``)."""
    return Limits(
        int(settings.COMMONGROUND_QUARANTINE_MAX_ROWS), float(settings.COMMONGROUND_QUARANTINE_MAX_PERCENT)
    )


def _specificity(policy: IngestPolicy) -> tuple[int, int, int]:
    return (policy.organization_id is not None, policy.system_id is not None, policy.table != "")


def limits_getter(organization: Organization, system: InformationSystem | None) -> Callable[[str], Limits]:
    """A function giving each table's limits for submissions from ``organization``'s ``system``.

    The most specific policy wins (organization, then system, then table); without one, the settings.
    """
    system_q = Q(system__isnull=True) | (Q(system=system) if system is not None else Q(pk__in=[]))
    candidates = list(
        IngestPolicy.objects.filter(Q(organization__isnull=True) | Q(organization=organization)).filter(
            system_q
        )
    )
    fallback = default_limits()

    def limits_for(table: str) -> Limits:
        fitting = [p for p in candidates if p.table in ("", table)]
        if not fitting:
            return fallback
        best = max(fitting, key=_specificity)
        return Limits(best.max_rows, float(best.max_percent))

    return limits_for


@transaction.atomic
def do_set_ingest_policy(
    *,
    acting_user: Any,
    organization: Organization | None,
    system: InformationSystem | None = None,
    table: str = "",
    max_rows: int,
    max_percent: Decimal | float,
) -> IngestPolicy:
    """Create or change the policy of one scope (organization, system, table); audited.

    ``organization`` None is the hub-wide policy; ``table`` empty means every table.
    """
    if table and table not in SCHEMAS:
        raise ValidationError(
            {"table": f"unknown canonical table {table!r}; known: {', '.join(sorted(SCHEMAS))}"}
        )
    if system is not None and system.organization_id != getattr(organization, "pk", None):
        raise ValidationError({"system": "the system must belong to the policy's organization"})
    percent = Decimal(str(max_percent))
    if max_rows < 0 or not Decimal(0) <= percent <= Decimal(100):
        raise ValidationError(
            {"max_percent": "rows must be 0 or more and the share between 0 and 100 percent"}
        )
    policy = (
        IngestPolicy.objects.select_for_update()
        .filter(organization=organization, system=system, table=table)
        .order_by("pk")  # the default ordering joins the nullable organization, which FOR UPDATE refuses
        .first()
    )
    old = None if policy is None else {"max_rows": policy.max_rows, "max_percent": str(policy.max_percent)}
    if policy is None:
        policy = IngestPolicy(organization=organization, system=system, table=table)
    policy.max_rows, policy.max_percent, policy.updated_at = max_rows, percent, timezone.now()
    policy.full_clean()
    policy.save()
    audit.record(
        actor=acting_user,
        action="ingest.set_policy",
        obj=policy,
        summary=f"Ingest policy {policy}",
        details={"old": old, "new": {"max_rows": max_rows, "max_percent": str(percent)}},
    )
    return policy
