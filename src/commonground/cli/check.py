"""``commonground check [--deploy]``: Django's system checks on the hub's settings; with ``--deploy`` the
deployment checks too, failing on any WARNING (production settings must pass with 0 issues)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import FAILURE, fail
from commonground.home import HomeError


def check(
    deploy: Annotated[
        bool, typer.Option("--deploy", help="Also run the deployment checks, failing on warnings.")
    ] = False,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """Check the configuration (settings module from DJANGO_SETTINGS_MODULE; production for a real hub)."""
    try:
        setup_django(home)
    except HomeError as exc:
        fail(str(exc))
    except Exception as exc:  # ImproperlyConfigured and friends: one line, not a traceback
        fail(f"the settings cannot be loaded: {exc}")
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="WARNING" if deploy else "ERROR")
    except SystemCheckError as exc:
        typer.echo(str(exc), err=True)
        fail("the configuration check found issues (listed above)", code=FAILURE)
