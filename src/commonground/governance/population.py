"""Rebuild the gate's population index (:class:`~commonground.governance.models.PopulationFact`).

From the person registry: which organizations hold a record of each hub person (``record`` facts).  From the data
plane, read as the hub's own job under :func:`~commonground.governance.gate.system_read`: school enrollments
(``school`` facts, the school found by its id in the district's records) and program participations
(``program`` facts).  Run it after every linkage run or accepted submission; the gate answers from the index.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.governance.gate import system_read
from commonground.governance.models import PopulationFact
from commonground.ingest import dataplane

BATCH = 5_000


def _registry_records(hub_ids: Iterable[str] | None) -> dict[str, list[tuple[str, str]]]:
    """The registry's records per hub person (every active one when ``hub_ids`` is None); empty without linkage."""
    try:
        from commonground.linkage.models import HubPerson
        from commonground.linkage.registry import source_records
    except ImportError:  # the person registry is optional until linkage is installed
        return {}
    if hub_ids is None:
        hub_ids = HubPerson.objects.filter(status="active").values_list("hub_id", flat=True)
    return source_records(list(hub_ids))


class _Organizations:
    """Organizations by slug, schools by their district and id, programs' organizations by slug or id."""

    def __init__(self) -> None:
        rows = list(Organization.objects.values_list("pk", "slug", "kind", "external_id", "parent__slug"))
        self.by_slug = {slug: pk for pk, slug, _kind, _ext, _parent in rows}
        self.by_external = {ext: pk for pk, _slug, _kind, ext, _parent in rows if ext}
        self.schools: dict[tuple[str | None, str], int] = {
            (parent, ext): pk for pk, _slug, kind, ext, parent in rows if kind == "school" and ext
        }

    def school(self, source_org: str, school_id: str) -> int | None:
        return self.schools.get((source_org, school_id)) or self.schools.get((None, school_id))

    def program(self, source_org: str, org_id: str | None) -> int | None:
        if org_id:
            found = self.by_slug.get(org_id) or self.by_external.get(org_id)
            if found is not None:
                return found
        return self.by_slug.get(source_org)


def _spells(table: str, columns: str, keys: dict[tuple[str, str], str]) -> list[tuple[Any, ...]]:
    """Rows of ``table`` for the indexed records, as (hub id, source organization slug, *columns)."""
    if not keys:
        return []
    con = dataplane.connect()
    try:
        dataplane.current_relation(con, table).create_view("spells")
        rows = con.execute(f"SELECT source_org, source_person_id, {columns} FROM spells").fetchall()  # noqa: S608 - fixed names
    finally:
        con.close()
    return [(keys[(r[0], r[1])], r[0], *r[2:]) for r in rows if (r[0], r[1]) in keys]


def is_stale() -> bool:
    """True when the index was never built, or a linkage run or an accepted submission came after its last build."""
    from commonground.core.models import AuditEvent
    from commonground.ingest.models import Submission

    built = (
        AuditEvent.objects.filter(action="governance.refresh_population")
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    if built is None:
        return True
    if Submission.objects.filter(status="accepted", decided_at__gt=built).exists():
        return True
    try:
        from commonground.linkage.models import LinkRun
    except ImportError:  # the person registry is optional until linkage is installed
        return False
    return LinkRun.objects.filter(finished_at__gt=built).exists()


@transaction.atomic
def do_refresh_population(*, acting_user: Any = None, hub_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the index for ``hub_ids`` (everyone when None) and return how many facts of each kind it holds."""
    wanted = None if hub_ids is None else list(dict.fromkeys(hub_ids))
    records = _registry_records(wanted)
    orgs = _Organizations()
    facts: list[PopulationFact] = []
    keys: dict[tuple[str, str], str] = {}
    for hub_id, pairs in records.items():
        for slug, person_id in pairs:
            org = orgs.by_slug.get(slug)
            if org is None:
                continue
            keys[(slug, person_id)] = hub_id
            facts.append(
                PopulationFact(hub_person_id=hub_id, kind="record", organization_id=org, value=person_id)
            )
    with system_read("population index refresh", actor=acting_user, details={"people": len(records)}):
        enrollments = _spells("enrollment", "school_id, entry_date, exit_date", keys)
        programs = _spells("program_participation", "org_id, program, begin_date, end_date", keys)
    for hub_id, source_org, school_id, begins, ends in enrollments:
        school = orgs.school(source_org, school_id or "")
        if school is not None:
            facts.append(
                PopulationFact(
                    hub_person_id=hub_id, kind="school", organization_id=school, begins=begins, ends=ends
                )
            )
    for hub_id, source_org, org_id, program, begins, ends in programs:
        org = orgs.program(source_org, org_id)
        if org is not None:
            facts.append(
                PopulationFact(
                    hub_person_id=hub_id,
                    kind="program",
                    organization_id=org,
                    value=program or "",
                    begins=begins,
                    ends=ends,
                )
            )
    stale = (
        PopulationFact.objects.all()
        if wanted is None
        else PopulationFact.objects.filter(hub_person_id__in=wanted)
    )
    stale.delete()
    PopulationFact.objects.bulk_create(facts, batch_size=BATCH)
    counts = {kind: sum(1 for f in facts if f.kind == kind) for kind in ("record", "school", "program")}
    audit.record(
        actor=acting_user,
        action="governance.refresh_population",
        summary=f"Rebuilt the gate's population index for {len(records)} people",
        details=counts,
    )
    return counts
