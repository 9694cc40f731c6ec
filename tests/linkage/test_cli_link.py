"""``commonground link``: full and incremental runs from the command line, with clear errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tests.linkage.registry_helpers import FAMILIES, HEADERS, roster

MAPPING = """\
table: person
id_column: id
columns: {first_name: first, middle_name: middle, last_name: last, birth_date: dob, sex: sex, address: address,
          postal_code: zip, phone: phone}
value_maps: {sex: {F: female, M: male}}
date_formats: {birth_date: ["%Y-%m-%d"]}
"""


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=HEADERS)
        out.writeheader()
        out.writerows({h: r.get(h, "") for h in HEADERS} for r in rows)
    return path


def _ingest(home: Path, tmp: Path, slug: str, rows: list[dict[str, str]]) -> None:
    if slug not in run_cli("org", "list", "--home", str(home)).stdout:
        assert (
            run_cli("org", "add", slug, "--kind", "nonprofit", "--name", slug, "--home", str(home)).returncode
            == 0
        )
    mapping = tmp / "mapping.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    data = _csv(tmp / f"{slug}.csv", rows)
    result = run_cli("ingest", str(data), "--org", slug, "--format", "tabular", "--mapping", str(mapping),
                     "--home", str(home))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_link_then_incremental(tmp_path: Path) -> None:
    home = tmp_path / "hub"
    empty = run_cli("link", "--home", str(home))
    assert (
        empty.returncode == 1 and "no person records yet" in empty.stderr and "Traceback" not in empty.stderr
    )
    first_inc = run_cli("link", "--incremental", "--home", str(home))
    assert first_inc.returncode == 1 and "run a full linkage first" in first_inc.stderr
    _ingest(home, tmp_path, "district", roster(1, FAMILIES))
    _ingest(
        home, tmp_path, "afterschool", roster(101, [("Bill", "Smith", "2012-04-03", "12 Oak Street", "M")])
    )
    full = run_cli("link", "--home", str(home))
    assert full.returncode == 0, full.stderr
    assert "new hub people: 10" in full.stdout and "records linked: 11" in full.stdout
    _ingest(home, tmp_path, "clinic", roster(7, [FAMILIES[4]]))
    inc = run_cli("link", "--incremental", "--json", "--home", str(home))
    assert inc.returncode == 0, inc.stderr
    summary = json.loads(inc.stdout)
    assert summary["kind"] == "incremental" and summary["new_records"] == 1 and summary["people_created"] == 0
    assert summary["active_people"] == 10
