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
        "quarantined": sub.report.get("summary", {}).get("quarantined", {}),
        "fixes_for": sub.fixes_for_id,
        "not_kept": sub.report.get("not_kept", {}),
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
    if out["quarantined"]:
        held = ", ".join(f"{table} {n}" for table, n in sorted(out["quarantined"].items()))
        typer.echo(f"quarantined (not published; fix and send with --fixes-for {out['submission']}): {held}")
    for file, columns in sorted(out["not_kept"].items()):
        typer.echo(f"{file}: {', '.join(columns)} (not kept)")
    for label, issues in (("error", out["errors"]), ("warning", out["warnings"])):
        for issue in issues[:SHOWN_ERRORS]:
            typer.echo(f"  {label}: {issue['message']}")
        if len(issues) > SHOWN_ERRORS:
            typer.echo(f"  … and more {label}s (use --json to see them all)")


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (a OneRoster folder or zip).")],
    org: Annotated[str | None, typer.Option("--org", help="The submitting organization's slug.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="oneroster, edfi-xml or tabular.")] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="YAML mapping file (required for tabular).")
    ] = None,
    fixes_for: Annotated[
        int | None,
        typer.Option(
            "--fixes-for",
            help="Send corrected quarantined rows of this submission (its quarantine CSV download, edited).",
        ),
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Validate a partner's export and publish it (rows with row-level errors quarantined within the ingest
    policy), or reject it with a report (exit 1)."""
    if fixes_for is not None:
        _ingest_fixes(paths, fixes_for, org, as_json, home)
        return
    if org is None:
        fail("--org SLUG is required (the submitting organization)", code=USAGE)
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
    _finish(sub, as_json)


def _finish(sub: Submission, as_json: bool) -> None:
    out = _outcome(sub)
    if as_json:
        typer.echo(json.dumps(out, indent=2, default=str))
    else:
        _print_report(out)
    if out["status"] == "rejected":
        raise typer.Exit(FAILURE)


def _ingest_fixes(
    paths: list[Path], original_id: int, org: str | None, as_json: bool, home: Path | None
) -> None:
    for path in paths:
        if not path.is_file():
            fail(f"no such file: {path} (send the corrected quarantine CSV)", code=USAGE)
    _start(home)
    from commonground.ingest import dataplane
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.fixes import FixesError
    from commonground.ingest.models import Submission

    original = Submission.objects.select_related("organization").filter(pk=original_id).first()
    if original is None or (org is not None and original.organization.slug != org):
        fail(f"no submission {original_id}" + (f" from {org}" if org else ""), code=USAGE)
    with dataplane.publish_lock():
        dataplane.recover()
    try:
        sub = do_ingest(
            acting_user=None,
            organization=original.organization,
            fmt="tabular",
            paths=paths,
            fixes_for=original,
        )
    except FixesError as exc:
        fail(str(exc), code=USAGE)
    _finish(sub, as_json)


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
            "quarantined_rows": s.quarantined_rows,
            "fixes_for": s.fixes_for_id,
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
        if r["quarantined_rows"]:
            counts += f" ({r['quarantined_rows']} quarantined)"
        typer.echo(
            f"{r['submission']:>5}  {r['submitted_at'][:19]}  {r['organization']:20} {r['status']:9} {counts}"
        )


def quarantine(
    submission: Annotated[int, typer.Argument(help="The submission whose quarantined rows to export.")],
    table: Annotated[
        str | None, typer.Option("--table", help="The canonical table (when it has several).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the CSV here instead of printing it.")
    ] = None,
    home: HomeOption = None,
) -> None:
    """Export a submission's quarantined rows as CSV, to correct them and send them back with --fixes-for."""
    _start(home)
    from commonground.ingest.fixes import FixesError, do_download_quarantine, quarantine_files
    from commonground.ingest.models import Submission

    sub = Submission.objects.select_related("organization").filter(pk=submission).first()
    if sub is None:
        fail(f"no submission {submission}", code=USAGE)
    tables = sorted(quarantine_files(sub))
    if table is None:
        if len(tables) != 1:
            fail(
                f"submission {submission} has quarantined rows in {', '.join(tables) or 'no table'}; "
                "choose one with --table",
                code=USAGE,
            )
        table = tables[0]
    try:
        lines = do_download_quarantine(acting_user=None, submission=sub, table=table)
    except FixesError as exc:
        fail(str(exc), code=USAGE)
    if out is None:
        for line in lines:
            typer.echo(line, nl=False)
        return
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(lines)
    typer.echo(f"wrote the quarantined {table} rows of submission {submission} to {out}")


def ingest_policy(
    org: Annotated[
        str | None, typer.Option("--org", help="Organization slug; none: the hub-wide policy.")
    ] = None,
    system: Annotated[
        int | None, typer.Option("--system", help="Id of one of the organization's systems.")
    ] = None,
    table: Annotated[str, typer.Option("--table", help="A canonical table; none: every table.")] = "",
    max_rows: Annotated[
        int | None, typer.Option("--max-rows", help="Quarantine at most this many rows.")
    ] = None,
    max_percent: Annotated[
        float | None,
        typer.Option("--max-percent", help="... and at most this share of a table's rows (0-100)."),
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Set when row-level errors quarantine rows instead of rejecting (with --max-rows and --max-percent), or
    list the policies."""
    _start(home)
    from django.core.exceptions import ValidationError

    from commonground.ecosystem.models import InformationSystem, Organization
    from commonground.ingest.models import IngestPolicy
    from commonground.ingest.policy import default_limits, do_set_ingest_policy

    if (max_rows is None) != (max_percent is None):
        fail("give both --max-rows and --max-percent (or neither, to list the policies)", code=USAGE)
    if max_rows is not None and max_percent is not None:
        organization = Organization.objects.filter(slug=org).first() if org else None
        if org and organization is None:
            fail(f"unknown organization {org!r}", code=USAGE)
        found = InformationSystem.objects.filter(pk=system).first() if system is not None else None
        if system is not None and found is None:
            fail(f"unknown system {system}", code=USAGE)
        try:
            policy = do_set_ingest_policy(
                acting_user=None,
                organization=organization,
                system=found,
                table=table,
                max_rows=max_rows,
                max_percent=max_percent,
            )
        except ValidationError as exc:
            fail("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()), code=USAGE)
        typer.echo(f"ingest policy {policy}")
        return
    defaults = default_limits()
    rows = [
        {
            "organization": p.organization.slug if p.organization else None,
            "system": p.system_id,
            "table": p.table or None,
            "max_rows": p.max_rows,
            "max_percent": float(p.max_percent),
        }
        for p in IngestPolicy.objects.select_related("organization", "system")
    ]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "default": {"max_rows": defaults.max_rows, "max_percent": defaults.max_percent},
                    "policies": rows,
                },
                indent=2,
            )
        )
        return
    typer.echo(f"default (settings): {defaults.describe()}")
    for r in rows:
        scope = "/".join(str(x) for x in (r["organization"] or "hub", r["system"], r["table"]) if x)
        typer.echo(f"{scope}: at most {r['max_rows']} rows and {r['max_percent']:g}%")
