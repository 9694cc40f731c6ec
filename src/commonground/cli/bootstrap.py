"""Starting Django from the command line: choose the home folder and settings before anything imports them."""

from __future__ import annotations

import os
from pathlib import Path

from commonground.home import ENV_VAR, ensure_home

_ready = False


def setup_django(home: Path | None = None, *, migrate: bool = False) -> Path:
    """Point the hub at ``home`` (or the environment's), create the folder and start Django.

    Returns the home folder.  ``migrate=True`` brings the control-plane schema up to date, quietly.
    Raises :class:`commonground.home.HomeError` when the folder cannot be used.
    """
    global _ready
    if home is not None:
        os.environ[ENV_VAR] = str(Path(home).expanduser().resolve())
    path = ensure_home(Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    os.environ[ENV_VAR] = str(path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings.dev")
    if not _ready:
        import django

        django.setup()
        _ready = True
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    return path
