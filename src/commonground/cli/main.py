"""The ``commonground`` command: one Typer app whose commands call the same actions as the web pages."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from commonground import __version__
from commonground.cli import audit as audit_cmd
from commonground.cli import backup as backup_cmd
from commonground.cli import check as check_cmd
from commonground.cli import demo as demo_cmd
from commonground.cli import destroy as destroy_cmd
from commonground.cli import disclosures as disclosures_cmd
from commonground.cli import encode as encode_cmd
from commonground.cli import governance as governance_cmd
from commonground.cli import hub as hub_cmd
from commonground.cli import ingest as ingest_cmd
from commonground.cli import link as link_cmd
from commonground.cli import linkage as linkage_cmd
from commonground.cli import pull as pull_cmd
from commonground.cli import questions as questions_cmd
from commonground.home import ENV_VAR

app = typer.Typer(
    name="commonground",
    help="Common Ground — a trusted local data hub for school-community collaboration.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"commonground {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="The hub's home folder (database, data files, keys). Default: $COMMONGROUND_HOME or ./var.",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Common Ground — a trusted local data hub for school-community collaboration."""
    if home is not None:
        os.environ[ENV_VAR] = str(home.expanduser().resolve())


app.command("demo")(demo_cmd.demo)
app.command("init")(hub_cmd.init)
app.command("serve")(hub_cmd.serve)
app.command("manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(
    hub_cmd.manage
)
app.add_typer(ingest_cmd.org_app, name="org")
app.command("ingest")(ingest_cmd.ingest)
app.command("submissions")(ingest_cmd.submissions)
app.command("quarantine")(ingest_cmd.quarantine)
app.command("ingest-policy")(ingest_cmd.ingest_policy)
app.command("link")(link_cmd.link)
app.command("link-files")(linkage_cmd.link_files)
app.command("dedupe")(linkage_cmd.dedupe)
app.command("encode")(encode_cmd.encode)
app.command("link-encoded")(encode_cmd.link_encoded)
app.command("pull-edfi")(pull_cmd.pull_edfi)
app.add_typer(governance_cmd.consent_app, name="consent")
app.command("disclosures")(disclosures_cmd.disclosures)
app.command("refresh-population")(disclosures_cmd.refresh_population)
app.add_typer(audit_cmd.audit_app, name="audit")
app.command("check")(check_cmd.check)
app.command("backup")(backup_cmd.backup)
app.command("restore")(backup_cmd.restore)
app.command("questions")(questions_cmd.questions)
app.command("release")(questions_cmd.release)
app.add_typer(destroy_cmd.destroy_app, name="destroy")


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
