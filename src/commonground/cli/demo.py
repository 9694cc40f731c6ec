"""``commonground demo``: generate a synthetic community, load it, serve it on localhost."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import USAGE, fail
from commonground.cli.hub import check_port, exec_gunicorn
from commonground.home import ENV_VAR, HomeError, ensure_home

console = Console(highlight=False)

MAX_DEMO_STUDENTS = 2_000_000


def demo(
    students: Annotated[int, typer.Option(help="How many students the district has.")] = 5000,
    seed: Annotated[int, typer.Option(help="Seed: the same seed always gives the same community.")] = 42,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the hub after loading.")] = True,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """Generate a synthetic community, load it into the hub and serve it on http://127.0.0.1:PORT."""
    if students < 1:
        fail(f"--students must be at least 1 (got {students})", code=USAGE)
    if students > MAX_DEMO_STUDENTS:
        fail(f"--students must be at most {MAX_DEMO_STUDENTS:,} for the demo (got {students:,})", code=USAGE)
    if serve:
        check_port("127.0.0.1", port)
    target = Path(home).expanduser().resolve() if home else None
    try:
        path = ensure_home(target or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None))
        setup_django(path)
    except HomeError as exc:
        fail(str(exc))

    with _progress() as progress:
        task = progress.add_task("preparing the database", total=None)
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        progress.update(task, total=1, completed=1)

        from commonground.demo.build import DemoConflictError, build_demo

        def report(step: str, done: int, total: int) -> None:
            progress.update(task, description=step, completed=done, total=total)

        try:
            summary = build_demo(home=path, students=students, seed=seed, progress=report)
        except DemoConflictError as exc:
            progress.stop()
            fail(str(exc))

    _print_summary(summary, path)
    if serve:
        console.print(f"\nServing the hub on [bold]http://127.0.0.1:{port}/[/] — press Ctrl+C to stop.")
        exec_gunicorn("127.0.0.1", port)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _print_summary(summary: dict[str, object], home: Path) -> None:
    console.print(f"\nDemo community ready in {home}")
    console.print(str(summary["headline"]))
    table = Table(title="Demo sign-ins, one per role")
    table.add_column("role")
    table.add_column("username")
    table.add_column("organization")
    for row in summary["logins"]:  # type: ignore[attr-defined]
        table.add_row(row["role"], row["username"], row["organization"])
    console.print(table)
    console.print(f"Password for every demo account: [bold]{summary['password']}[/]")
