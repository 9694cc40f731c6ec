"""``commonground link-files`` and ``dedupe``: link two files of people, or find duplicates in one.

For stewards working with files (and a way to evaluate the engine on any data set). Nothing is stored in the
hub: the files are read, linked in memory and the result written to ``--out``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from commonground.cli.errors import USAGE, fail

if TYPE_CHECKING:
    from commonground.linkage.engine.decide import Thresholds
    from commonground.linkage.engine.link import LinkResult
    from commonground.linkage.engine.link import Progress as EngineProgress

T = TypeVar("T")

OutOption = Annotated[Path, typer.Option("--out", help="Where to write the CSV result.")]
ColumnsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--columns",
        help='Column overrides: field=Header pairs ("first_name=Given,birth_date=DOB"; "+" joins headers) '
        "or a JSON object. Fields: id, first_name, middle_name, last_name, birth_date, sex, address, city, "
        "state, postal_code, phone, email, national_id, school_id, grade_level.",
    ),
]
ThresholdOption = Annotated[
    float | None,
    typer.Option("--threshold", help="Link threshold: the lowest match probability written (default 0.99)."),
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed for training (same seed, same result).")]
out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def _thresholds(threshold: float | None) -> Thresholds:
    """``--threshold`` becomes the link threshold; the review band starts at the lower of it and the default."""
    from commonground.linkage.engine.decide import Thresholds

    default = Thresholds()
    if threshold is None:
        return default
    if not 0 < threshold < 1:
        fail(f"--threshold must be a probability between 0 and 1 (got {threshold})", code=USAGE)
    return Thresholds(upper=threshold, lower=min(threshold, default.lower))


def _report(result: LinkResult, extra_warnings: list[str], written: str) -> None:
    """The quality summary: pairs compared, what was decided, the model's checks, then reading warnings."""
    from commonground.linkage.engine.checks import summary
    from commonground.linkage.engine.decide import LINK, NO_LINK, REVIEW

    guarded = sum(1 for r in result.pairs.column("reason").to_pylist() if r.startswith("twins"))
    out_console.print(f"pairs compared: {result.comparisons:,}")
    out_console.print(
        f"links: {result.count(LINK):,} (match probability ≥ {result.thresholds.upper:g}) · for review: "
        f"{result.count(REVIEW):,} · kept apart as twins or siblings: {guarded:,} · "
        f"set aside by one-to-one: {result.count(NO_LINK) - guarded:,}"
    )
    out_console.print(written)
    out_console.print(summary(result.checks))
    for check in result.checks:
        if check.severity != "note":
            out_console.print(f"  {check}")
    for warning in extra_warnings:
        err_console.print(f"[yellow]warning:[/] {warning}", markup=True)


def _run_engine(job: str, call: Callable[[EngineProgress], T]) -> T:
    """Run an engine call under a progress display; a refused model or a Splink failure is one line."""
    from splink.internals.exceptions import SplinkException

    from commonground.linkage.engine.checks import DegenerateModel

    with _progress() as progress:
        task = progress.add_task(job, total=1.0)

        def step(stage: str, done: float) -> None:
            progress.update(task, description=stage, completed=done)

        try:
            return call(step)
        except DegenerateModel as exc:
            fail(str(exc))
        except SplinkException as exc:
            cause = str(exc.__cause__ or exc).strip().splitlines() or ["unknown error"]
            fail(f"linkage failed: {cause[0]}")


def link_files(
    left: Annotated[Path, typer.Argument(help="The first file of people (CSV, XLSX or Parquet).")],
    right: Annotated[Path, typer.Argument(help="The second file of people.")],
    out: OutOption,
    threshold: ThresholdOption = None,
    columns: ColumnsOption = None,
    id_column: Annotated[str | None, typer.Option("--id", help="The record id column (both files).")] = None,
    left_id: Annotated[str | None, typer.Option("--left-id", help="The record id column of LEFT.")] = None,
    right_id: Annotated[str | None, typer.Option("--right-id", help="The record id column of RIGHT.")] = None,
    many: Annotated[
        bool, typer.Option("--many-to-many", help="Allow a record to link to several on the other side.")
    ] = False,
    seed: SeedOption = 42,
) -> None:
    """Link two files of people: write left_id,right_id,match_probability for the pairs that match."""
    from commonground.linkage.engine.adhoc import check_overrides_used, load, parse_overrides, write_pairs
    from commonground.linkage.engine.files import InputError
    from commonground.linkage.engine.link import LinkConfig, link_tables

    thresholds = _thresholds(threshold)
    try:
        overrides = parse_overrides(columns or [])
        files = [load(left, overrides, left_id or id_column), load(right, overrides, right_id or id_column)]
        check_overrides_used(overrides, files)
    except InputError as exc:
        fail(str(exc), code=USAGE)
    config = LinkConfig(thresholds=thresholds, one_to_one=not many, seed=seed)
    result = _run_engine(
        "linking", lambda step: link_tables(files[0].table, files[1].table, config, progress=step)
    )
    links = result.links()
    rows = list(
        zip(
            links.column("left_id").to_pylist(),
            links.column("right_id").to_pylist(),
            links.column("match_probability").to_pylist(),
            strict=True,
        )
    )
    write_pairs(out, rows)
    out_console.print(
        f"{left.name}: {files[0].table.num_rows:,} records · {right.name}: {files[1].table.num_rows:,}"
    )
    _report(result, files[0].warnings + files[1].warnings, f"wrote {len(rows):,} pairs to {out}")


def dedupe(
    file: Annotated[Path, typer.Argument(help="A file of people (CSV, XLSX or Parquet).")],
    out: OutOption,
    threshold: ThresholdOption = None,
    columns: ColumnsOption = None,
    id_column: Annotated[str | None, typer.Option("--id", help="The record id column.")] = None,
    seed: SeedOption = 42,
) -> None:
    """Find records of the same person within one file: write id,cluster_id for every record."""
    import pyarrow as pa

    from commonground.linkage.engine.adhoc import check_overrides_used, load, parse_overrides, write_clusters
    from commonground.linkage.engine.files import InputError
    from commonground.linkage.engine.link import LinkConfig, dedupe_table

    thresholds = _thresholds(threshold)
    try:
        overrides = parse_overrides(columns or [])
        loaded = load(file, overrides, id_column)
        check_overrides_used(overrides, [loaded])
    except InputError as exc:
        fail(str(exc), code=USAGE)
    ids = loaded.table.column("unique_id").to_pylist()
    if len(ids) == 1:
        write_clusters(out, pa.table({"id": ids, "cluster_id": ids}))
        err_console.print(
            f"[yellow]warning:[/] {file.name} has only one record: nothing to deduplicate", markup=True
        )
        out_console.print(f"wrote 1 record in 1 cluster to {out}")
        return
    config = LinkConfig(thresholds=thresholds, seed=seed)
    result, clusters = _run_engine(
        "deduplicating", lambda step: dedupe_table(loaded.table, config, progress=step)
    )
    n_clusters = len(set(clusters.column("cluster_id").to_pylist()))
    write_clusters(out, clusters)
    out_console.print(f"{file.name}: {len(ids):,} records")
    _report(result, loaded.warnings, f"wrote {len(ids):,} records in {n_clusters:,} clusters to {out}")
