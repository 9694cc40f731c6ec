"""Every kind of bad input in the catalogue, end to end through ``do_ingest`` after a good submission.

For each kind: a good submission of the same format and organization is accepted first; the data plane is
snapshotted (every file's bytes, every table's current view, every manifest row); the bad submission goes
through ``do_ingest``. It must be rejected (or accepted with its warning, where the catalogue says the drift is
safe to read), its report must name the exact code, file, line and column, no exception may escape, and what
was accepted before must be exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from commonground.ecosystem.models import Organization
from commonground.ingest import dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.canonical import SCHEMAS
from commonground.ingest.connectors.report import WITHHELD
from commonground.ingest.models import Submission
from tests.helpers import run_cli

from .bad_input_catalogue import CATALOGUE, GOOD_ROSTER, PERSON_MAPPING_YAML, BadInput, by_kind
from .conftest import EDFI_EXCERPT, GRAND_BEND

#: The catalogue's columns that hold identifying values (person names and birth dates, as each format names them):
#: stored reports withhold their values.
IDENTIFYING = {"birthDate", "Student/BirthData/BirthDate", "DOB", "Last Name"}

pytestmark = pytest.mark.django_db

MANIFEST_FIELDS = (
    "id",
    "status",
    "fingerprint",
    "row_counts",
    "batch_path",
    "decided_at",
    "dataset",
    "report",
)


def _files() -> dict[str, str]:
    """Every file under the data folder (but the lock) with the SHA-256 of its bytes."""
    root = dataplane.data_dir()
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".ingest.lock"
    }


def _current() -> dict[str, list[tuple[Any, ...]]]:
    """The current view of every canonical table, as sorted rows."""
    con = dataplane.connect()
    try:
        return {t: sorted(dataplane.current_relation(con, t).fetchall(), key=repr) for t in sorted(SCHEMAS)}
    finally:
        con.close()


def _visible(table: str, submission_id: int) -> int:
    """How many rows of ``table`` the current view takes from one submission."""
    con = dataplane.connect()
    try:
        rel = dataplane.current_relation(con, table).filter(f"submission_id = '{int(submission_id)}'")
        return int(rel.aggregate("count(*)").fetchall()[0][0])
    finally:
        con.close()


def _manifest() -> dict[int, dict[str, Any]]:
    return {row["id"]: row for row in Submission.objects.order_by("id").values(*MANIFEST_FIELDS)}


def snapshot() -> dict[str, Any]:
    """What readers can see and what is on disk: files, current views, manifest rows."""
    return {"files": _files(), "current": _current(), "manifest": _manifest()}


def _good_submission(bad: BadInput, tmp_path: Path) -> Organization:
    """Accept a good submission of the bad input's format (the one it must leave alone); return its sender."""
    if bad.fmt == "tabular":
        org = Organization.objects.create(slug="afterschool", name="After School", kind="nonprofit")
        roster = tmp_path / "good" / "roster.csv"
        roster.parent.mkdir()
        roster.write_text(GOOD_ROSTER, encoding="utf-8")
        paths = [roster]
    else:
        org = Organization.objects.create(slug="grand-bend", name="Grand Bend", kind="district")
        paths = [GRAND_BEND] if bad.fmt == "oneroster" else sorted(EDFI_EXCERPT.glob("*.xml"))
    good = do_ingest(acting_user=None, organization=org, fmt=bad.fmt, paths=paths, mapping=bad.mapping)
    assert good.status == "accepted", good.report["issues"]
    return org


def _cases() -> list[Any]:
    return [pytest.param(bad, id=bad.kind, marks=[pytest.mark.slow] if bad.slow else []) for bad in CATALOGUE]


@pytest.mark.parametrize("bad", _cases())
def test_bad_input_is_reported_exactly_and_changes_nothing_accepted(bad: BadInput, tmp_path: Path) -> None:
    org = _good_submission(bad, tmp_path)
    before = snapshot()
    folder = tmp_path / "bad"
    folder.mkdir()
    paths = bad.build(folder)

    sub = do_ingest(acting_user=None, organization=org, fmt=bad.fmt, paths=paths, mapping=bad.mapping)

    assert sub.pk not in before["manifest"] and not sub.is_duplicate
    assert sub.status == bad.outcome, json.dumps(sub.report["issues"], indent=1)[:3000]
    issue = next((i for i in sub.report["issues"] if i["code"] == bad.code), None)
    assert issue is not None, [i["message"] for i in sub.report["issues"]]
    assert (issue["severity"], issue["file"], issue["line"], issue["column"]) == (
        bad.severity,
        bad.file,
        bad.line,
        bad.column,
    ), issue["message"]
    if bad.value is not None and bad.column in IDENTIFYING:  # kept out of the database, message included
        assert issue["value"] == WITHHELD and bad.value not in json.dumps(sub.report)
    elif bad.value is not None:
        assert issue["value"] == bad.value
    assert "Traceback" not in json.dumps(sub.report)

    after = snapshot()
    manifest = dict(after["manifest"])
    assert manifest.pop(sub.pk)["status"] == bad.outcome
    assert manifest == before["manifest"], "a manifest row that existed before changed"
    if bad.outcome == "rejected":
        assert after["files"] == before["files"], "a rejected submission changed the data folder"
        assert after["current"] == before["current"], "a rejected submission changed what readers see"
        assert sub.batch_path == ""
    else:
        # accepted with a warning: the good batch is still there byte for byte, the new one beside it
        assert after["files"].items() >= before["files"].items()
        added = set(after["files"]) - set(before["files"])
        assert added and all(f"/submission={sub.pk}/" in name for name in added), added
        published = {t: n for t, n in sub.row_counts.items() if n}
        assert published and {t: _visible(t, sub.pk) for t in published} == published


#: One kind per connector family, through the command a partner's operator runs.
COMMAND_KINDS = ("truncated-file", "zip-path-traversal", "xml-entity-expansion", "tabular-binary-garbage")


@pytest.mark.slow  # six runs of the command, each starting Django
def test_the_command_rejects_catalogue_kinds_with_their_code_and_no_traceback(tmp_path: Path) -> None:
    home = tmp_path / "hub"
    for slug, kind in (("grand-bend", "district"), ("afterschool", "nonprofit")):
        done = run_cli("org", "add", slug, "--kind", kind, "--name", slug, "--home", str(home))
        assert done.returncode == 0, done.stderr
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(PERSON_MAPPING_YAML, encoding="utf-8")
    for kind in COMMAND_KINDS:
        bad = by_kind(kind)
        folder = tmp_path / kind
        folder.mkdir()
        org = "afterschool" if bad.fmt == "tabular" else "grand-bend"
        extra = ["--mapping", str(mapping)] if bad.fmt == "tabular" else []
        paths = [str(p) for p in bad.build(folder)]
        done = run_cli(
            "ingest", "--home", str(home), "--json", "--org", org, "--format", bad.fmt, *extra, *paths
        )
        assert "Traceback" not in done.stderr + done.stdout, done.stderr
        assert done.returncode == 1, (kind, done.stdout, done.stderr)
        out = json.loads(done.stdout)
        assert out["status"] == "rejected"
        first = next(e for e in out["errors"] if e["code"] == bad.code)
        assert (first["file"], first["line"], first["column"]) == (bad.file, bad.line, bad.column), kind
