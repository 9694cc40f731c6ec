"""``commonground questions`` and ``commonground release``: listing, publishing, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from commonground.cli.main import app
from commonground.core.models import AuditEvent
from commonground.questions import pipeline
from commonground.questions.models import Release
from commonground.questions.suppression import DisclosureRisk
from tests.questions.app_world import World, approved, make_world, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    """The community of :mod:`tests.questions.app_world`."""
    return make_world(tmp_path / "files")


runner = CliRunner()


@pytest.fixture(autouse=True)
def _test_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("commonground.cli.questions.setup_django", lambda *a, **k: None)


def test_release_writes_the_csv_and_questions_lists_it(world: World, tmp_path: Path) -> None:
    approved(world)
    propose(world, slug="waiting")
    out = tmp_path / "answer.csv"
    result = runner.invoke(app, ["release", "chronic-absence", "--out", str(out), "--min-cell", "5"])
    assert result.exit_code == 0, result.output
    release = Release.objects.get()
    assert out.read_text(encoding="utf-8") == release.csv_text and release.min_cell == 5
    assert "published release 1 of chronic-absence" in result.output and release.sha256 in result.output
    publish = AuditEvent.objects.get(action="questions.publish_release")
    assert publish.actor is None and publish.actor_label == "system"

    listed = runner.invoke(app, ["questions", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {r["slug"]: r for r in json.loads(listed.output)["questions"]}
    assert (rows["chronic-absence"]["status"], rows["chronic-absence"]["latest_release"]) == ("published", 1)
    assert (rows["waiting"]["status"], rows["waiting"]["latest_release"]) == ("proposed", None)
    text = runner.invoke(app, ["questions"])
    assert text.exit_code == 0 and "chronic-absence" in text.output and "release 1" in text.output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["release", "nope"], 2, "unknown question 'nope'; known: chronic-absence, waiting"),
        (["release", "waiting"], 1, "is proposed; only an approved or published question gets a release"),
        (["release", "chronic-absence", "--min-cell", "2"], 2, "--min-cell must be between 3 and 30 (got 2)"),
        (
            ["release", "chronic-absence", "--min-cell", "31"],
            2,
            "--min-cell must be between 3 and 30 (got 31)",
        ),
    ],
)
def test_release_errors_are_one_clear_line(
    world: World, tmp_path: Path, args: list[str], code: int, words: str
) -> None:
    approved(world)
    propose(world, slug="waiting")
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == code and words in result.output, result.output
    assert not (tmp_path / "x.csv").exists() and not Release.objects.exists()


def test_a_refused_release_names_the_cells_and_writes_nothing(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approved(world)

    class Exposure:
        def describe(self) -> str:
            return "school=D: numerator in [3, 3] (width 0 < 10)"

    def refuse(*args: object, **kwargs: object) -> None:
        raise DisclosureRisk("no safe release found", [Exposure()])  # type: ignore[list-item]

    monkeypatch.setattr(pipeline, "protect", refuse)
    result = runner.invoke(app, ["release", "chronic-absence", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert (
        "the disclosure audit refused" in result.output and "school=D: numerator in [3, 3]" in result.output
    )
    assert not (tmp_path / "x.csv").exists() and not Release.objects.exists()


def test_questions_on_an_empty_catalog(db: None) -> None:
    result = runner.invoke(app, ["questions"])
    assert result.exit_code == 0 and "no questions yet" in result.output
