"""``commonground link``: link every organization's person records into the registry (or only new ones)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import fail
from commonground.home import HomeError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
SHOWN = (
    ("records", "records linked"),
    ("people_created", "new hub people"),
    ("records_added", "records added to the registry"),
    ("records_moved", "records that changed hub person"),
    ("merged", "merges"),
    ("splits", "splits"),
    ("links", "links (auto)"),
    ("kept_apart", "kept apart as twins or siblings"),
    ("refused_links", "links refused by a steward's decision"),
    ("reviews_new", "new pairs for review"),
    ("active_people", "hub people in the registry"),
)


def link(
    incremental: Annotated[
        bool, typer.Option("--incremental", help="Link only new or changed records, with the stored model.")
    ] = False,
    retrain: Annotated[
        bool,
        typer.Option(
            "--retrain", help="Train a new model (default: only the first time; see docs/linkage.md)."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run's summary as JSON.")] = False,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """Link the person records of every organization into the registry of hub person ids."""
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from splink.internals.exceptions import SplinkException

    from commonground.linkage.actions import RegistryError, do_link, do_link_incremental
    from commonground.linkage.engine.checks import DegenerateModel

    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as progress:  # fmt: skip
        task = progress.add_task("linking", total=1.0)

        def step(stage: str, done: float) -> None:
            progress.update(task, description=stage, completed=done)

        try:
            if incremental:
                run = do_link_incremental(progress=step)
            else:
                run = do_link(progress=step, retrain=True if retrain else None)
        except (RegistryError, DegenerateModel) as exc:
            progress.stop()
            fail(str(exc))
        except SplinkException as exc:
            progress.stop()
            fail(f"linkage failed: {str(exc.__cause__ or exc).strip().splitlines()[0]}")
    summary: dict[str, Any] = {"run": run.pk, "kind": run.kind, **run.summary, "seconds": run.seconds}
    if as_json:
        typer.echo(json.dumps(summary, indent=2, default=str))
        return
    typer.echo(f"{run.get_kind_display()} linkage run {run.pk}:")
    for key, label in SHOWN:
        if key in summary:
            typer.echo(f"  {label}: {summary[key]:,}")
    if "model_checks" in summary:
        typer.echo(f"  {summary['model_checks']}")
    if summary.get("warning"):
        err_console.print(f"[yellow]warning:[/] {summary['warning']}", markup=True)
    if summary.get("reviews_new"):
        typer.echo("Review the new pairs at /linkage/review/ (stewards).")
