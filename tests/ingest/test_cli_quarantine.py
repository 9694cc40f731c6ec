"""``commonground ingest-policy``, ``quarantine`` and ``ingest --fixes-for`` as an operator runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.helpers import run_cli

MAPPING = """table: attendance_event
id_column: Student
columns: {school_id: School, date: Day, category: Code}
value_maps: {category: {A: unexcused}}
date_formats: {date: ["%m/%d/%Y"]}
"""


def test_quarantine_export_fix_and_policy_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "hub"
    assert (
        run_cli("org", "add", "north", "--kind", "school", "--name", "North", "--home", str(home)).returncode
        == 0
    )
    rows = [f"s{i},100,09/{1 + i % 28:02d}/2024,A" for i in range(50)]
    rows[3] = "s3,100,31/31/2024,A"
    data = tmp_path / "week.csv"
    data.write_text("Student,School,Day,Code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    args = ["ingest", "--home", str(home), "--org", "north", "--format", "tabular", "--mapping"]

    # 1 of 50 rows is 2%: the default policy (1%) rejects; a policy for the organization quarantines.
    rejected = run_cli(*args, str(tmp_path / "map.yaml"), str(data))
    assert rejected.returncode == 1 and "quarantined" not in rejected.stdout
    policy = run_cli(
        "ingest-policy", "--home", str(home), "--org", "north", "--max-rows", "5", "--max-percent", "5"
    )
    assert policy.returncode == 0 and "north: 5 rows, 5%" in policy.stdout, policy.stderr
    listed = json.loads(run_cli("ingest-policy", "--home", str(home), "--json").stdout)
    assert listed["default"] == {"max_rows": 100, "max_percent": 1.0}
    assert listed["policies"] == [
        {"organization": "north", "system": None, "table": None, "max_rows": 5, "max_percent": 5.0}
    ]
    result = run_cli(*args, str(tmp_path / "map.yaml"), "--json", str(data))
    out = json.loads(result.stdout)
    assert (result.returncode, out["status"], out["quarantined"]) == (0, "accepted", {"attendance_event": 1})
    assert out["rows"] == {"attendance_event": 49}

    exported = tmp_path / "held.csv"
    done = run_cli("quarantine", str(out["submission"]), "--out", str(exported), "--home", str(home))
    assert done.returncode == 0, done.stderr
    held = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert [(r["source_person_id"], r["date"], r["original_line"]) for r in held] == [("s3", "", "5")]
    held[0]["date"] = "2024-09-04"
    with exported.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(held[0]))
        writer.writeheader()
        writer.writerows(held)

    fixed = run_cli("ingest", "--home", str(home), "--fixes-for", str(out["submission"]), str(exported))
    assert fixed.returncode == 0, fixed.stderr
    assert "accepted" in fixed.stdout and "attendance_event 1" in fixed.stdout

    listed = json.loads(run_cli("submissions", "--json", "--home", str(home)).stdout)
    assert [(r["status"], r["quarantined_rows"], r["fixes_for"]) for r in listed] == [
        ("accepted", 0, out["submission"]),
        ("accepted", 1, None),
        ("rejected", 0, None),
    ]
    assert "(1 quarantined)" in run_cli("submissions", "--home", str(home)).stdout

    wrong = run_cli("ingest", "--home", str(home), "--fixes-for", "999", str(exported))
    assert wrong.returncode == 2 and "no submission 999" in wrong.stderr
    missing = run_cli("ingest", "--home", str(home), str(data))
    assert missing.returncode == 2 and "--org SLUG is required" in missing.stderr
