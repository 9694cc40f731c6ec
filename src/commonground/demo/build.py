"""The whole demo: generate the synthetic community (once per seed and size), then load it into the hub."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from commonground.actionlists.demo import add_pending_request, ingest_program_spells
from commonground.demo.governance import load_governance
from commonground.demo.ingest_files import ingest_community
from commonground.demo.load import load_community
from commonground.demo.people import DEMO_PASSWORD, load_people

Progress = Callable[[str, int, int], None]
COMPLETE_MARKER = ".complete"


class DemoConflictError(Exception):
    """The home folder already holds a different demo community."""


def community_dir(home: Path, students: int, seed: int) -> Path:
    """Where the generated files of one (seed, size) community live inside the home folder."""
    return home / "demo" / f"community-seed{seed}-students{students}"


def generate_once(home: Path, students: int, seed: int, progress: Progress | None = None) -> dict[str, Any]:
    """Generate the community unless a complete copy is already there; return its community.json.

    Generation writes into a temporary folder that is renamed into place only when complete, so an
    interrupted run leaves nothing that looks finished.
    """
    from commonground.demo.generator import GeneratorConfig, generate

    final = community_dir(home, students, seed)
    if (final / COMPLETE_MARKER).exists():
        return dict(json.loads((final / "community.json").read_text(encoding="utf-8")))
    work = final.with_name(final.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    shutil.rmtree(final, ignore_errors=True)
    work.mkdir(parents=True)
    generate(GeneratorConfig(students=students, seed=seed, out_dir=work, progress=progress))
    (work / COMPLETE_MARKER).write_text("ok\n")
    work.rename(final)
    return dict(json.loads((final / "community.json").read_text(encoding="utf-8")))


def _claim_home(home: Path, students: int, seed: int) -> None:
    """One demo community per home: a second, different one would mix two fictional cities."""
    stamp = home / "demo" / "loaded.json"
    wanted = {"seed": seed, "students": students}
    if stamp.exists():
        loaded = json.loads(stamp.read_text(encoding="utf-8"))
        if loaded != wanted:
            raise DemoConflictError(
                f"{home} already holds the demo community for --seed {loaded['seed']} "
                f"--students {loaded['students']}; use another --home or remove {home}"
            )
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(wanted), encoding="utf-8")


def link_community(progress: Progress | None = None) -> dict[str, Any]:
    """Link the ingested person records into the registry (a full run, as a steward would start it).

    Skipped when a full run already covers every accepted submission, so running the demo twice adds nothing.
    """
    from commonground.ingest.models import Submission
    from commonground.linkage.actions import do_link, latest_model_run
    from commonground.linkage.choices import ReviewStatus
    from commonground.linkage.models import ReviewItem

    run = latest_model_run()
    newer = Submission.objects.filter(status="accepted", decided_at__gt=run.started_at) if run else None
    if run is None or (newer is not None and newer.exists()):  # a second demo run links nothing again
        if progress:
            progress("linking people across organizations", 0, 1)
        run = do_link()
    if progress:
        progress("linking finished", 1, 1)
    pending = ReviewItem.objects.filter(status=ReviewStatus.PENDING).count()
    return {**run.summary, "run": run.pk, "reviews_pending": pending}


def refresh_population_index() -> dict[str, int]:
    """Rebuild the gate's population index unless it is up to date (a second demo run writes nothing)."""
    from commonground.governance.population import do_refresh_population, is_stale

    return do_refresh_population() if is_stale() else {}


def build_demo(*, home: Path, students: int, seed: int, progress: Progress | None = None) -> dict[str, Any]:
    """Generate (if needed) and load the demo community; return a summary for the terminal."""
    _claim_home(home, students, seed)
    manifest = generate_once(home, students, seed, progress)
    if progress:
        progress("loading organizations and systems", 0, 2)
    counts = load_community(manifest)
    if progress:
        progress("loading people", 1, 2)
    logins = load_people(manifest)
    governance = load_governance(manifest, community_dir(home, students, seed))  # agreements, consents
    if progress:
        progress("demo community loaded", 2, 2)
    # Once the registry exists, every file goes through the same ingest path partners use.
    ingest_community(manifest, community_dir(home, students, seed), progress)
    # The after-school roster as program spells (its coordinator's action list), and one pending data request.
    action_lists = {
        "program_spells": ingest_program_spells(manifest, community_dir(home, students, seed)),
        "data_requests": add_pending_request(manifest),
    }
    from commonground.ingest.models import Submission

    # Every submission in the hub (the files above and the program spells), so the headline counts them all.
    statuses = list(Submission.objects.values_list("status", flat=True))
    linkage = link_community(progress)  # every person record gets a hub person id; borderline pairs queue
    population = refresh_population_index()
    from commonground.questions.demo import load_demo_questions

    if progress:
        progress("publishing the demo questions", 0, 1)
    questions = load_demo_questions()  # >= 8 approved questions, each with a published release
    headline = (
        f"{manifest['district']['name']}: {len(manifest['schools'])} schools, {manifest['students']:,} students, "
        f"{len(manifest['partners'])} community partners; {counts['organizations']} organizations, "
        f"{counts['systems']} systems and {counts['flows']} data flows in the registry; "
        f"{statuses.count('accepted')} of {len(statuses)} submissions accepted through ingest; "
        f"{linkage['active_people']:,} people in the registry from {linkage['records']:,} records, "
        f"{linkage['reviews_pending']} pairs waiting for review."
    )
    return {
        "headline": headline,
        "logins": logins,
        "password": DEMO_PASSWORD,
        "counts": counts,
        "governance": governance,
        "action_lists": action_lists,
        "population_index": population,
        "linkage": linkage,
        "questions": questions,
        "community_dir": str(community_dir(home, students, seed)),
    }
