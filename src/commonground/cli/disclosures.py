"""The gate's commands: ``commonground disclosures`` (the record of disclosures) and
``commonground refresh-population`` (rebuild the gate's population index after linkage or ingest)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import USAGE, fail
from commonground.home import HomeError


def disclosures(
    student: Annotated[
        str | None, typer.Option("--student", help="Only this student (hub person id).")
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="Only disclosures to this organization (slug).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="At most this many records, newest first.")
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """List the record of disclosures (34 CFR 99.32), newest first: who received which student's data and why."""
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from django.utils import timezone

    from commonground.ecosystem.models import Organization
    from commonground.governance.models import DisclosureRecord

    records = DisclosureRecord.objects.select_related("recipient_organization").order_by("-at", "-id")
    if student:
        records = records.filter(hub_person_id=student)
    if org:
        if not Organization.objects.filter(slug=org).exists():
            fail(f"unknown organization {org!r}; list them with: commonground org list", code=USAGE)
        records = records.filter(recipient_organization__slug=org)
    rows = [
        {
            "at": timezone.localtime(r.at).isoformat(timespec="seconds"),
            "student": r.hub_person_id,
            "recipient": r.recipient_label,
            "organization": r.recipient_organization.slug,
            "role": r.recipient_role,
            "purpose": r.purpose,
            "basis": r.basis,
            "agreement": r.agreement_reference,
            "consent": r.consent_reference,
            "elements": r.elements,
            "route": r.route,
            "path": r.route_path,
            "redisclosure_of": r.redisclosure_of_id,
            "required_by_law": r.required_by_law,
        }
        for r in records[:limit]
    ]
    if as_json:
        typer.echo(json.dumps({"disclosures": rows}, indent=2))
        return
    if not rows:
        typer.echo("no disclosures recorded" + (f" for {student}" if student else ""))
        return
    for row in rows:
        agreement = f" under {row['agreement']}" if row["agreement"] else ""
        typer.echo(
            f"{row['at']}  {row['student']}  to {row['recipient']} ({row['organization']})  {row['basis']}{agreement}"
            f"  via {row['route']} {row['path']}  {', '.join(row['elements'])}"
        )


def refresh_population(
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """Rebuild the gate's population index (records, schools, programs per hub person) from the registry and data."""
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from commonground.governance.population import do_refresh_population

    counts = do_refresh_population(acting_user=None)
    typer.echo(
        f"population index rebuilt: {counts['record']} records, {counts['school']} school spells, "
        f"{counts['program']} program spells"
    )
