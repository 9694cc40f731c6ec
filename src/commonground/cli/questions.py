"""The question catalog's commands: ``commonground questions`` (list) and ``commonground release`` (publish one)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import USAGE, fail
from commonground.home import HomeError


def questions(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """List the question catalog: slug, status, audience and the latest release."""
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from commonground.questions.models import Question

    rows = []
    for q in Question.objects.select_related("owner").prefetch_related("releases").order_by("slug"):
        latest = max(q.releases.all(), key=lambda r: r.version, default=None)
        rows.append(
            {
                "slug": q.slug,
                "status": q.status,
                "audience": q.audience,
                "owner": q.owner.slug,
                "version": q.version,
                "wording": q.wording,
                "indicators": q.indicators,
                "breakdowns": q.breakdowns,
                "latest_release": latest.version if latest else None,
                "latest_release_at": latest.created_at.isoformat(timespec="seconds") if latest else None,
                "latest_release_sha256": latest.sha256 if latest else None,
            }
        )
    if as_json:
        typer.echo(json.dumps({"questions": rows}, indent=2))
        return
    if not rows:
        typer.echo("no questions yet; partners propose them on the Questions page")
        return
    for row in rows:
        shown = (
            f"release {row['latest_release']} ({row['latest_release_at']})"
            if row["latest_release"]
            else "no release"
        )
        typer.echo(f"{row['slug']:<40} {row['status']:<10} {row['audience']:<9} {shown}")


def release(
    slug: Annotated[str, typer.Argument(metavar="QUESTION_SLUG", help="The question to answer.")],
    out: Annotated[Path, typer.Option("--out", help="Write the release's tidy CSV to this file.")],
    min_cell: Annotated[
        int, typer.Option("--min-cell", help="Hide cells about fewer students than this (3–30).")
    ] = 10,
    home: Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")] = None,
) -> None:
    """Publish a new release of an approved question and write its tidy CSV (refused if any cell could be inferred)."""
    if not 3 <= min_cell <= 30:
        fail(f"--min-cell must be between 3 and 30 (got {min_cell})", code=USAGE)
    if out.exists() and out.is_dir():
        fail(f"--out {out} is a folder; give a file name such as {out / (slug + '.csv')}", code=USAGE)
    if not out.parent.exists():
        fail(f"--out: the folder {out.parent} does not exist", code=USAGE)
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    from django.core.exceptions import ValidationError

    from commonground.questions.actions import do_publish_release
    from commonground.questions.indicators import IndicatorError
    from commonground.questions.models import Question
    from commonground.questions.suppression import DisclosureRisk, SuppressionError

    question = Question.objects.filter(slug=slug).first()
    if question is None:
        known = ", ".join(Question.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        fail(f"unknown question {slug!r}; known: {known}", code=USAGE)
    try:
        made = do_publish_release(acting_user=None, question=question, min_cell=min_cell)
    except DisclosureRisk as exc:
        fail(f"nothing published: the disclosure audit refused the release.\n{exc}")
    except (ValidationError, SuppressionError, IndicatorError) as exc:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        fail("; ".join(messages))
    out.write_text(made.csv_text, encoding="utf-8")
    typer.echo(
        f"published release {made.version} of {slug}: {made.rows} cells, {made.suppressed_rows} suppressed "
        f"(min cell {made.min_cell}); sha256 {made.sha256}; written to {out}"
    )
