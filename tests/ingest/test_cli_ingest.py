"""``commonground org``, ``ingest`` and ``submissions`` as a partner's operator runs them (embedded SQLite)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_cli

from .conftest import EDFI_EXCERPT, GRAND_BEND


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str, code: int) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert expected in lines[0], lines[0]


def ingest_json(home: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_cli("ingest", "--home", str(home), "--json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def hub(tmp_path: Path) -> Path:
    home = tmp_path / "hub"
    result = run_cli(
        "org", "add", "grand-bend", "--kind", "district", "--name", "Grand Bend", "--home", str(home)
    )
    assert result.returncode == 0, result.stderr
    assert "added organization grand-bend" in result.stdout
    return home


def test_grand_bend_then_the_same_files_again_then_edfi(hub: Path) -> None:
    code, out = ingest_json(hub, "--org", "grand-bend", "--format", "oneroster", str(GRAND_BEND))
    assert code == 0
    assert (out["status"], out["errors"]) == ("accepted", [])
    assert out["rows"] == {"organization": 2, "school": 1, "person": 8, "enrollment": 8}

    code, again = ingest_json(hub, "--org", "grand-bend", "--format", "oneroster", str(GRAND_BEND))
    assert (code, again["status"], again["submission"]) == (0, "duplicate", out["submission"])

    text = run_cli(
        "ingest", "--home", str(hub), "--org", "grand-bend", "--format", "edfi-xml", str(EDFI_EXCERPT)
    )
    assert text.returncode == 0, text.stderr
    assert "accepted" in text.stdout and "attendance_event 72, person 25" in text.stdout

    listed = run_cli("submissions", "--json", "--home", str(hub))
    rows = json.loads(listed.stdout)
    assert [(r["status"], r["rows"].get("person")) for r in rows] == [("accepted", 25), ("accepted", 8)]
    assert "grand-bend" in run_cli("submissions", "--home", str(hub)).stdout
    assert "grand-bend" in run_cli("org", "list", "--home", str(hub)).stdout


def test_a_bad_file_is_rejected_with_located_errors(hub: Path, grand_bend: Path) -> None:
    text = (grand_bend / "demographics.csv").read_text(encoding="utf-8")
    (grand_bend / "demographics.csv").write_text(
        text.replace("1997-01-18", "2023-02-30", 1), encoding="utf-8"
    )

    code, out = ingest_json(hub, "--org", "grand-bend", "--format", "oneroster", str(grand_bend))

    assert (code, out["status"]) == (1, "rejected")
    first = out["errors"][0]
    assert (first["file"], first["line"], first["column"], first["code"]) == (
        "demographics.csv",
        4,
        "birthDate",
        "bad-date",
    )
    assert first["expected"]
    plain = run_cli(
        "ingest", "--home", str(hub), "--org", "grand-bend", "--format", "oneroster", str(grand_bend)
    )
    assert plain.returncode == 1
    assert "rejected" in plain.stdout and "demographics.csv, line 4, column birthDate" in plain.stdout


def test_tabular_with_a_mapping(hub: Path, tmp_path: Path) -> None:
    data = tmp_path / "attendance.csv"
    data.write_text("Student,School,Day,Code\ns1,100,09/03/2024,A\n", encoding="utf-8")
    mapping = tmp_path / "attendance.yaml"
    mapping.write_text(
        "table: attendance_event\nid_column: Student\n"
        "columns: {school_id: School, date: Day, category: Code}\n"
        "value_maps: {category: {A: unexcused}}\ndate_formats: {date: ['%m/%d/%Y']}\n",
        encoding="utf-8",
    )
    code, out = ingest_json(
        hub, "--org", "grand-bend", "--format", "tabular", "--mapping", str(mapping), str(data)
    )
    assert (code, out["status"], out["rows"]) == (0, "accepted", {"attendance_event": 1})


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--org", "nowhere", "--format", "oneroster", str(GRAND_BEND)], "unknown organization 'nowhere'"),
        (["--org", "grand-bend", "--format", "csv", str(GRAND_BEND)], "--format must be one of"),
        (["--org", "grand-bend", "--format", "oneroster", "/no/such/export"], "no such file or folder"),
        (["--org", "grand-bend", "--format", "tabular", str(GRAND_BEND / "users.csv")], "needs --mapping"),
    ],
)
def test_usage_errors_are_one_line(hub: Path, args: list[str], expected: str) -> None:
    assert_one_line_error(run_cli("ingest", "--home", str(hub), *args), expected, 2)


def test_org_add_rejects_an_unknown_kind_and_a_taken_slug(hub: Path) -> None:
    bad = run_cli("org", "add", "x", "--kind", "club", "--name", "X", "--home", str(hub))
    assert_one_line_error(bad, "--kind must be one of", 2)
    taken = run_cli("org", "add", "grand-bend", "--kind", "district", "--name", "Again", "--home", str(hub))
    assert_one_line_error(taken, "cannot add organization 'grand-bend'", 2)
