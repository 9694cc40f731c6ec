"""``commonground consent import``: consents collected on paper, in bulk, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import FAILURE, USAGE, fail, stderr
from commonground.home import HomeError

consent_app = typer.Typer(help="Written consents of parents and eligible students.", no_args_is_help=True)
#: How many row errors the text report lists before "... and N more".
SHOWN_ERRORS = 20


@consent_app.command("import")
def consent_import(
    file: Annotated[Path, typer.Argument(help="CSV of signed paper consent forms, one row per form.")],
    org: Annotated[str, typer.Option("--org", help="Slug of the organization that collected the forms.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """Import paper consents: every row is stored, or none and each error is listed with its line and column."""
    if not file.is_file():
        fail(f"no such file: {file}", code=USAGE)
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from commonground.ecosystem.models import Organization
    from commonground.governance.actions import ConsentImportError, do_import_consents

    organization = Organization.objects.filter(slug=org).first()
    if organization is None:
        fail(
            f"unknown organization {org!r}; register it with: commonground org add {org} --kind ...",
            code=USAGE,
        )
    try:
        created = do_import_consents(
            acting_user=None, organization=organization, raw=file.read_bytes(), file=file.name
        )
    except ConsentImportError as exc:
        if as_json:
            typer.echo(json.dumps({"imported": 0, "errors": [str(e) for e in exc.errors]}, indent=2))
        else:
            for error in exc.errors[:SHOWN_ERRORS]:
                stderr.print(f"  {error}", markup=False, highlight=False)
            if len(exc.errors) > SHOWN_ERRORS:
                stderr.print(f"  … and {len(exc.errors) - SHOWN_ERRORS} more", markup=False)
        fail(f"{file.name}: {exc}", code=FAILURE)
    if as_json:
        typer.echo(json.dumps({"imported": len(created), "consents": [c.pk for c in created]}, indent=2))
        return
    typer.echo(f"imported {len(created)} consents collected by {organization.name} from {file.name}")
