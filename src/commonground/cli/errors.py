"""One-line errors for people at a terminal: no tracebacks for mistakes a user can fix."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

stderr = Console(stderr=True, highlight=False, soft_wrap=True)

USAGE = 2
FAILURE = 1


def fail(message: str, *, code: int = FAILURE) -> NoReturn:
    """Print ``error: message`` on one line to standard error and exit with ``code``."""
    stderr.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(code)
