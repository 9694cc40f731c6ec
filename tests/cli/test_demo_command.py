"""`commonground demo --no-serve`: loads the community once; a second run adds nothing."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.helpers import run_cli


def counts(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "db.sqlite3") as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed table names
            for table in (
                "ecosystem_organization",
                "ecosystem_informationsystem",
                "ecosystem_dataflow",
                "people_user",
                "people_membership",
                "people_trainingrecord",
                "core_auditevent",
                "ingest_submission",
            )
        }


def test_demo_twice_adds_nothing(tmp_path: Path) -> None:
    home = tmp_path / "hub"
    first = run_cli("demo", "--no-serve", "--students", "250", "--seed", "3", "--home", str(home))
    assert first.returncode == 0, first.stderr
    assert re.search(r"\d+ organizations, \d+ systems and \d+ data flows", first.stdout)
    for username in ("steward", "district-lead", "coordinator", "superintendent", "researcher", "parent"):
        assert username in first.stdout
    after_first = counts(home)
    assert (
        after_first["ecosystem_organization"] >= 20
    )  # district, ~12 schools, 4 partners, hub, city, funder...
    assert after_first["core_auditevent"] > after_first["ecosystem_organization"]  # every write was audited
    # the district's OneRoster and Ed-Fi exports and five partner files went through ingest, all accepted,
    assert "8 of 8 submissions accepted through ingest" in first.stdout.replace("\n", " ")
    assert after_first["ingest_submission"] == 8  # and the after-school roster again, as program spells

    second = run_cli("demo", "--no-serve", "--students", "250", "--seed", "3", "--home", str(home))
    assert second.returncode == 0, second.stderr
    assert counts(home) == after_first


def test_demo_refuses_to_mix_two_communities_in_one_home(tmp_path: Path) -> None:
    home = tmp_path / "hub"
    assert (
        run_cli("demo", "--no-serve", "--students", "120", "--seed", "3", "--home", str(home)).returncode == 0
    )
    other = run_cli("demo", "--no-serve", "--students", "120", "--seed", "4", "--home", str(home))
    assert other.returncode == 1
    assert "already holds the demo community for --seed 3 --students 120" in other.stderr
    assert "Traceback" not in other.stderr
