"""``commonground link-files`` and ``dedupe`` as a steward runs them: results, summaries and bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from commonground.cli.main import app
from tests.helpers import run_cli

AFTERSCHOOL = "partners/afterschool/participants.csv"
CLINIC = "partners/clinic/patients.csv"  # cp1252, its own headers ("Pt First", "DOB (M/D/YYYY)" ...)
HOUSING = "partners/housing/household_members.xlsx"


def _truth(community: Path, left: str, right: str) -> set[tuple[str, str]]:
    by_file: dict[str, dict[str, str]] = {left: {}, right: {}}
    with open(community / "truth" / "ground_truth.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["source_file"] in by_file:
                by_file[row["source_file"]][row["source_person_id"]] = row["true_person_id"]
    people: dict[str, list[str]] = {}
    for pid, person in by_file[right].items():
        people.setdefault(person, []).append(pid)
    return {(a, b) for a, person in by_file[left].items() for b in people.get(person, [])}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_link_files_writes_the_true_pairs(community: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    done = run_cli("link-files", str(community / AFTERSCHOOL), str(community / CLINIC), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").splitlines()[0] == "left_id,right_id,match_probability"
    rows = _rows(out)
    found = {(r["left_id"], r["right_id"]) for r in rows}
    truth = _truth(community, AFTERSCHOOL, CLINIC)
    assert len(truth) >= 20
    assert found <= truth  # every pair written is the same child
    assert len(found) >= 0.9 * len(truth)
    assert all(float(r["match_probability"]) >= 0.99 for r in rows)
    assert "pairs compared:" in done.stdout and f"wrote {len(rows)} pairs" in done.stdout
    assert "model checks:" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_lower_threshold_adds_pairs_and_ids_can_be_named(community: Path, tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    done = run_cli("link-files", str(community / AFTERSCHOOL), str(community / CLINIC), "--out", str(out),
                   "--threshold", "0.5", "--left-id", "Participant ID", "--right-id", "MRN")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert all(float(r["match_probability"]) >= 0.5 for r in _rows(out))
    assert {r["left_id"][:2] for r in _rows(out)} == {"BF"}


def test_dedupe_writes_a_cluster_for_every_record(community: Path, tmp_path: Path) -> None:
    out = tmp_path / "clusters.csv"
    done = run_cli("dedupe", str(community / HOUSING), "--out", str(out))
    assert done.returncode == 0, done.stderr
    rows = _rows(out)
    assert list(rows[0]) == ["id", "cluster_id"]
    assert len(rows) > 50
    assert len({r["cluster_id"] for r in rows}) == len(rows)  # the housing roster lists each child once
    assert "kept apart as twins or siblings" in done.stdout


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


GOOD = "id,First Name,Last Name,DOB\n1,Ann,Lee,2012-01-02\n2,Bo,Ray,2011-05-06\n3,Cy,Ott,2010-07-08\n"


BAD_FILES = [
    ("empty.csv", "", "empty.csv is empty"),
    ("header.csv", "id,First Name,Last Name,DOB\n", "header.csv has a header but no records"),
    ("repeat.csv", "id,First Name,Last Name,DOB\n7,Ann,Lee,2012-01-02\n7,Bo,Ray,2011-05-06\n",
     "id '7' repeats (rows 2 and 3)"),
    ("noname.csv", "id,Colour,DOB\n1,red,2012-01-02\n", "no column recognisable as a first name or surname"),
    ("nodob.csv", "id,First Name,Last Name\n1,Ann,Lee\n", "no column recognisable as a date of birth"),
    ("baddates.csv", "id,First Name,DOB\n1,Ann,soon\n2,Bo,later\n", "holds no dates in a known layout"),
    ("broken.xlsx", "not a spreadsheet", "broken.xlsx is not a readable spreadsheet"),
]  # fmt: skip


def _invoke(*args: str) -> Result:
    """Run the command in this process (fast); the subprocess tests below prove there is no traceback."""
    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_get_one_line_errors(tmp_path: Path, name: str, content: str, expected: str) -> None:
    bad = _write(tmp_path / name, content)
    good = _write(tmp_path / "good.csv", GOOD)
    for args in (
        ["link-files", str(good), str(bad)],
        ["link-files", str(bad), str(good)],
        ["dedupe", str(bad)],
    ):
        done = _invoke(*args, "--out", str(tmp_path / "out.csv"))
        assert done.exit_code == 2, done.stdout
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], done.stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"), [BAD_FILES[0], BAD_FILES[2]], ids=["empty", "repeat"]
)
def test_no_traceback_from_the_real_command(tmp_path: Path, name: str, content: str, expected: str) -> None:
    bad = _write(tmp_path / name, content)
    done = run_cli(
        "link-files", str(_write(tmp_path / "good.csv", GOOD)), str(bad), "--out", str(tmp_path / "o.csv")
    )
    assert done.returncode == 2
    assert (
        done.stderr.strip().splitlines() == [f"error: {done.stderr.strip()[7:]}"] and expected in done.stderr
    )
    assert "Traceback" not in done.stderr and not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--columns", "colour=First Name"], "unknown field 'colour'"),
        (["--columns", "first_name=Given"], "no column named 'Given'"),
        (["--columns", "{oops"], "--columns is not valid JSON"),
        (["--threshold", "1.5"], "--threshold must be a probability"),
        (["--id", "Nope"], "no column named 'Nope' for --id"),
    ],
)
def test_bad_options_get_one_line_errors(tmp_path: Path, extra: list[str], expected: str) -> None:
    good = _write(tmp_path / "good.csv", GOOD)
    done = _invoke("dedupe", str(good), "--out", str(tmp_path / "out.csv"), *extra)
    assert done.exit_code == 2
    assert expected in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_file_of_one_record_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    one = _write(tmp_path / "one.csv", "id,First Name,Last Name,DOB\n1,Ann,Lee,2012-01-02\n")
    done = _invoke("dedupe", str(one), "--out", str(tmp_path / "out.csv"))
    assert done.exit_code == 0
    assert "warning: one.csv has only one record" in done.stderr
    assert _rows(tmp_path / "out.csv") == [{"id": "1", "cluster_id": "1"}]
    linked = _invoke(
        "link-files", str(one), str(_write(tmp_path / "good.csv", GOOD)), "--out", str(tmp_path / "p.csv")
    )
    assert linked.exit_code == 0, linked.stderr
    assert "one.csv has only one record" in linked.stderr
    assert [(r["left_id"], r["right_id"]) for r in _rows(tmp_path / "p.csv")] == [("1", "1")]


def test_missing_file(tmp_path: Path) -> None:
    done = _invoke("dedupe", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "out.csv"))
    assert done.exit_code == 2 and "does not exist" in done.stderr
