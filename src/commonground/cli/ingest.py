"""``commonground org``, ``ingest`` and ``submissions``: register partners and take in what they export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import FAILURE, USAGE, fail
from commonground.home import HomeError

if TYPE_CHECKING:
    from commonground.ingest.models import Submission

HomeOption = Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
FORMATS = ("oneroster", "edfi-xml", "tabular")
#: How many errors the text report lists (the JSON lists every stored one).
SHOWN_ERRORS = 10

org_app = typer.Typer(help="Register and list organizations.", no_args_is_help=True)


def _start(home: Path | None) -> None:
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))


@org_app.command("add")
def org_add(
    slug: Annotated[str, typer.Argument(help="Short unique name, e.g. grand-bend.")],
    name: Annotated[str, typer.Option("--name", help="The organization's full name.")],
    kind: Annotated[str, typer.Option("--kind", help="district, school, nonprofit, agency, city, funder.")],
    home: HomeOption = None,
) -> None:
    """Register an organization (``commonground org add grand-bend --kind district --name "Grand Bend"``)."""
    from commonground.ecosystem.choices import OrganizationKind

    if kind not in OrganizationKind.values:
        fail(f"--kind must be one of {', '.join(OrganizationKind.values)} (got {kind!r})", code=USAGE)
    _start(home)
    from django.core.exceptions import ValidationError

    from commonground.ecosystem.actions import do_create_organization

    try:
        org = do_create_organization(acting_user=None, slug=slug, name=name, kind=kind)
    except ValidationError as exc:
        messages = [f"{field}: {' '.join(errs)}" for field, errs in exc.message_dict.items()]
        fail(f"cannot add organization {slug!r}: {'; '.join(messages)}", code=USAGE)
    typer.echo(f"added organization {org.slug} ({org.get_kind_display()}): {org.name}")


@org_app.command("list")
def org_list(as_json: JsonOption = False, home: HomeOption = None) -> None:
    """List the registered organizations."""
    _start(home)
    from commonground.ecosystem.models import Organization

    orgs = list(Organization.objects.order_by("slug"))
    if as_json:
        typer.echo(json.dumps([{"slug": o.slug, "name": o.name, "kind": o.kind} for o in orgs], indent=2))
        return
    for o in orgs:
        typer.echo(f"{o.slug:24} {o.kind:10} {o.name}")


def _outcome(sub: Submission) -> dict[str, Any]:
    issues = sub.report.get("issues", [])
    return {
        "submission": sub.pk,
        "status": "duplicate" if sub.is_duplicate else sub.status,
        "organization": sub.organization.slug,
        "format": sub.format,
        "dataset": sub.dataset,
        "fingerprint": sub.fingerprint,
        "rows": sub.row_counts,
        "summary": sub.report.get("summary", {}),
        "errors": [i for i in issues if i["severity"] == "error"],
        "warnings": [i for i in issues if i["severity"] == "warning"],
        "notes": sub.report.get("notes", []),
    }


def _print_report(out: dict[str, Any]) -> None:
    status = out["status"]
    typer.echo(f"submission {out['submission']} from {out['organization']} ({out['format']}): {status}")
    rows = ", ".join(f"{table} {n}" for table, n in sorted(out["rows"].items())) or "none"
    typer.echo(f"rows: {rows}")
    if status == "duplicate":
        typer.echo("these files were already accepted; nothing new was published")
        return
    summary = out["summary"]
    typer.echo(f"errors: {summary.get('errors', 0)}, warnings: {summary.get('warnings', 0)}")
    for label, issues in (("error", out["errors"]), ("warning", out["warnings"])):
        for issue in issues[:SHOWN_ERRORS]:
            typer.echo(f"  {label}: {issue['message']}")
        if len(issues) > SHOWN_ERRORS:
            typer.echo(f"  … and more {label}s (use --json to see them all)")


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (a OneRoster folder or zip).")],
    org: Annotated[str, typer.Option("--org", help="The submitting organization's slug.")],
    fmt: Annotated[str, typer.Option("--format", help="oneroster, edfi-xml or tabular.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping file (required for tabular).")
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Validate a partner's export and publish it whole, or reject it with a report (exit 1)."""
    if fmt not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})", code=USAGE)
    for path in paths:
        if not path.exists():
            fail(f"no such file or folder: {path}", code=USAGE)
    if fmt == "tabular" and mapping is None:
        fail("--format tabular needs --mapping FILE (the YAML mapping of columns)", code=USAGE)
    loaded = None
    if mapping is not None:
        from commonground.ingest.connectors.mapping import MappingError, load_mapping

        if not mapping.is_file():
            fail(f"no such mapping file: {mapping}", code=USAGE)
        try:
            loaded = load_mapping(mapping)
        except MappingError as exc:
            fail(f"mapping {mapping}: {exc}", code=USAGE)
    _start(home)
    from commonground.ecosystem.models import Organization
    from commonground.ingest import dataplane
    from commonground.ingest.actions import do_ingest

    with dataplane.publish_lock():  # clean up after a run that was killed mid-publish
        dataplane.recover()
    organization = Organization.objects.filter(slug=org).first()
    if organization is None:
        fail(
            f"unknown organization {org!r}; register it with: commonground org add {org} --kind ...",
            code=USAGE,
        )
    sub = do_ingest(acting_user=None, organization=organization, fmt=fmt, paths=paths, mapping=loaded)
    out = _outcome(sub)
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=str))
    else:
        _print_report(out)
    if out["status"] == "rejected":
        raise typer.Exit(FAILURE)


def submissions(as_json: JsonOption = False, home: HomeOption = None) -> None:
    """List submissions, newest first, with their status and row counts."""
    _start(home)
    from commonground.ingest.models import Submission

    subs = list(Submission.objects.select_related("organization").order_by("-submitted_at", "-id"))
    rows = [
        {
            "submission": s.pk,
            "organization": s.organization.slug,
            "format": s.format,
            "status": s.status,
            "submitted_at": s.submitted_at.isoformat(),
            "rows": s.row_counts,
            "errors": s.report.get("summary", {}).get("errors", 0),
        }
        for s in subs
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no submissions yet")
    for r in rows:
        counts = ", ".join(f"{t} {n}" for t, n in sorted(r["rows"].items())) or "no rows"
        typer.echo(
            f"{r['submission']:>5}  {r['submitted_at'][:19]}  {r['organization']:20} {r['status']:9} {counts}"
        )
