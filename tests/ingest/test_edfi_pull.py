"""Pulling an Ed-Fi ODS/API into the hub end to end: the action (SQLite and PostgreSQL) and the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.conf import settings

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import Organization
from commonground.ingest import dataplane, inbox_sealing
from commonground.ingest.connectors.canonical import CURRENT_KEYS
from commonground.ingest.connectors.edfi_api import EdfiApiError
from commonground.ingest.edfi_pull import do_pull_edfi_api
from commonground.ingest.models import Submission
from tests.factories import OrganizationFactory
from tests.helpers import run_cli

from .edfi_replay import CLIENT_ID, CLIENT_SECRET, Replay

RESOURCES = [
    "localEducationAgencies",
    "schools",
    "students",
    "studentEducationOrganizationAssociations",
    "studentSchoolAssociations",
    "studentSchoolAttendanceEvents",
]
FAST = {"backoff": 0.0}


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay().start()
    yield server
    server.stop()


@pytest.fixture
def district(db: None) -> Organization:
    return OrganizationFactory(slug="grand-bend", kind="district")


def pull(replay: Replay, org: Organization, **kwargs: Any) -> Submission:
    options = {"resources": RESOURCES, "page_size": 10, "client_options": FAST, **kwargs}
    return do_pull_edfi_api(
        acting_user=None,
        organization=org,
        base_url=replay.base_url,
        client_id=CLIENT_ID,
        client_secret=options.pop("client_secret", CLIENT_SECRET),
        **options,
    )


def current(table: str) -> list[dict[str, Any]]:
    con = dataplane.connect()
    try:
        return dataplane.current_relation(con, table).to_arrow_table().to_pylist()
    finally:
        con.close()


def pq_rows(sub: Submission, table: str) -> list[dict[str, Any]]:
    """The rows of one published batch, tombstones included."""
    path = dataplane.batch_dir(table, sub.organization.slug, sub.pk) / dataplane.PART
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def test_a_full_pull_then_an_incremental_one_then_nothing_new(replay: Replay, district: Organization) -> None:
    first = pull(replay, district)

    assert (first.status, first.format, first.is_duplicate) == ("accepted", "edfi-api", False)
    assert first.row_counts == {
        "organization": 4,
        "school": 3,
        "person": 25,
        "enrollment": 25,
        "attendance_event": 60,
    }
    info = first.report["edfi_api"]
    assert (info["mode"], info["min_change_version"], info["max_change_version"]) == ("full", None, 200)
    assert info["pages"] == 15 and info["requests"] == 17 and info["retries"] == 0
    files = {f.name: f for f in first.files.all()}
    assert set(files) >= {"pull.json", "ed-fi/students/page-0001.json", "ed-fi/students/page-0003.json"}
    page = Path(settings.COMMONGROUND_DATA_DIR) / info["inbox"] / "ed-fi/students/page-0003.json"
    sent = inbox_sealing.read_bytes(page)  # kept sealed; the recorded hash is of the page as received
    assert inbox_sealing.is_sealed(page) and sent[:64] not in page.read_bytes()
    assert files["ed-fi/students/page-0003.json"].sha256 == hashlib.sha256(sent).hexdigest()
    assert len(json.loads(sent)) == 5 and page.stat().st_mode & 0o077 == 0
    assert len(current("person")) == 25

    replay.newest = 400
    before = len(replay.log)
    second = pull(replay, district)

    asked = [r for r in replay.log[before:] if r.path.startswith("/api/data/")]
    # A page of changes and a page of deletes per resource, and a second page for the 12 new events.
    assert len(asked) == 2 * len(RESOURCES) + 1
    assert all((r.query["minChangeVersion"], r.query["maxChangeVersion"]) == ("201", "400") for r in asked)
    assert second.status == "accepted" and second.report["edfi_api"]["mode"] == "incremental"
    assert second.report["edfi_api"]["previous_submission"] == first.pk
    assert second.row_counts == {"person": 24, "enrollment": 24, "attendance_event": 13}
    assert second.report["edfi_api"]["merged"]["person"] == {
        "carried": 23,
        "updated": 1,
        "added": 0,
        "deleted": 1,
    }
    assert second.report["edfi_api"]["tombstones"] == {"attendance_event": 1}
    people = {p["source_person_id"]: p for p in current("person")}
    assert len(people) == 24 and "604824" not in people
    assert (
        people["604822"]["preferred_first_name"] == "Lisa"
        and people["604822"]["address"] == "77 Pecan Street"
    )
    assert people["604823"]["address"] == "18 Live Oak Court"
    assert people["604821"]["first_name"] == "Tyrone" and people["604821"]["sex"] == "male"
    assert {e["source_person_id"] for e in current("enrollment")} == set(people)
    events = current("attendance_event")
    # The current view applies the tombstone: 60 events, 12 new ones, one deleted (and the tombstone unseen).
    assert len(events) == 60 + 12 - 1
    assert not [e for e in events if e["record_status"] == "tobedeleted"]
    tombstone = next(e for e in pq_rows(second, "attendance_event") if e["record_status"] == "tobedeleted")
    assert tombstone["date"] == dt.date(2022, 5, 18)
    named = [e for e in events if all(e[k] == tombstone[k] for k in CURRENT_KEYS["attendance_event"])]
    assert named == []
    assert AuditEvent.objects.filter(action="ingest.accept_submission").count() == 2

    before = len(replay.log)
    third = pull(replay, district)

    assert (third.pk, third.is_duplicate) == (second.pk, True)
    assert [r.path.rsplit("/", 1)[-1] for r in replay.log[before:]] == ["token", "availableChangeVersions"]
    assert Submission.objects.count() == 2


def test_a_rejected_pull_is_pulled_again_from_the_same_version(
    replay: Replay, district: Organization
) -> None:
    pull(replay, district)
    replay.newest = 400
    replay.fail("truncate", "ed-fi/studentSchoolAttendanceEvents", offset=10)
    replay.fail("status", "ed-fi/students", status=429)

    rejected = pull(replay, district)

    assert rejected.status == "rejected"
    errors = [i for i in rejected.report["issues"] if i["severity"] == "error"]
    assert [(i["code"], i["file"], i["column"]) for i in errors] == [
        ("page-count-mismatch", "ed-fi/studentSchoolAttendanceEvents", "page 2 (offset 10)")
    ]
    assert rejected.report["edfi_api"]["retries"] == 1
    assert len(current("person")) == 25  # what was accepted before is untouched

    again = pull(replay, district)

    assert again.status == "accepted" and again.report["edfi_api"]["min_change_version"] == 201
    assert len(current("person")) == 24


def test_full_pulls_everything_and_errors_store_nothing(replay: Replay, district: Organization) -> None:
    with pytest.raises(EdfiApiError, match=r"refused the client credentials \(401\)"):
        pull(replay, district, client_secret="wrong")
    assert not Submission.objects.exists()
    inbox = Path(settings.COMMONGROUND_DATA_DIR) / "inbox" / "edfi-api" / "grand-bend"
    assert not inbox.exists() or not any(inbox.iterdir())

    replay.fail("status", "ed-fi/students", status=500, times=2)
    with pytest.raises(EdfiApiError, match="still answered 500"):
        pull(replay, district, client_options={"backoff": 0.0, "max_retries": 1})
    assert not Submission.objects.exists() and not any(inbox.iterdir())

    pull(replay, district)
    replay.newest = 400
    again = pull(replay, district, full=True)

    assert (
        again.report["edfi_api"]["mode"] == "full" and again.report["edfi_api"]["min_change_version"] is None
    )
    assert again.row_counts["person"] == 24 and again.row_counts["attendance_event"] == 71


def test_new_change_versions_without_changes_advance_the_version(
    replay: Replay, district: Organization
) -> None:
    pull(replay, district)
    replay.newest = 250  # nothing in the fixtures changed between 201 and 250

    quiet = pull(replay, district)

    assert (quiet.status, quiet.dataset, quiet.row_counts) == ("accepted", "no changes", {})
    assert quiet.report["edfi_api"]["max_change_version"] == 250
    assert len(current("person")) == 25 and len(current("attendance_event")) == 60
    replay.newest = 400
    assert pull(replay, district).report["edfi_api"]["min_change_version"] == 251


def test_a_restored_or_purged_ods_is_pulled_whole(replay: Replay, district: Organization) -> None:
    pull(replay, district)
    replay.newest = 150  # the ODS was restored from an older backup

    restored = pull(replay, district)

    info = restored.report["edfi_api"]
    assert (restored.status, info["mode"], info["max_change_version"]) == ("accepted", "full", 150)
    assert "below the last one pulled (200)" in info["reasons"][0]
    assert restored.row_counts["attendance_event"] == 50

    replay.newest, replay.oldest = 400, 300  # changes up to 299 are no longer kept
    purged = pull(replay, district)

    assert purged.report["edfi_api"]["mode"] == "full"
    assert (
        "changes after version 150 are no longer kept (oldest is 300)"
        in purged.report["edfi_api"]["reasons"][0]
    )


def test_unknown_resources_are_refused_before_any_request(replay: Replay, district: Organization) -> None:
    with pytest.raises(ValueError, match="unsupported Ed-Fi resource"):
        pull(replay, district, resources=["staffs"])
    assert replay.log == []


# The command as an operator runs it (a subprocess on the embedded SQLite database of its own home).


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "hub"
    added = run_cli(
        "org", "add", "grand-bend", "--kind", "district", "--name", "Grand Bend", "--home", str(home)
    )
    assert added.returncode == 0, added.stderr
    monkeypatch.setenv("EDFI_CLIENT_SECRET", CLIENT_SECRET)
    return home


def pull_cli(hub: Path, replay: Replay, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "pull-edfi",
        "--home",
        str(hub),
        "--org",
        "grand-bend",
        "--base-url",
        replay.base_url,
        "--client-id",
        CLIENT_ID,
        *[a for r in RESOURCES for a in ("--resource", r)],
        *args,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_the_command_pulls_reports_and_exits_like_ingest(hub: Path, replay: Replay) -> None:
    first = pull_cli(hub, replay, "--json", "--page-size", "10")
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    assert (out["status"], out["format"], out["errors"]) == ("accepted", "edfi-api", [])
    assert out["rows"]["person"] == 25 and out["edfi_api"]["max_change_version"] == 200

    replay.newest = 400
    replay.fail("status", "ed-fi/studentSchoolAttendanceEvents", status=429)
    second = pull_cli(hub, replay)
    assert second.returncode == 0, second.stderr
    assert "accepted" in second.stdout and "attendance_event 13, enrollment 24, person 24" in second.stdout
    assert "pulled changes 201–400 from" in second.stdout and "(1 retried)" in second.stdout
    assert "ed-fi/students: 1 items, 1 deleted" in second.stdout

    third = pull_cli(hub, replay)
    assert third.returncode == 0 and "nothing changed since change version 400" in third.stdout

    listed = json.loads(run_cli("submissions", "--json", "--home", str(hub)).stdout)
    assert [(s["format"], s["status"]) for s in listed] == [("edfi-api", "accepted")] * 2


def test_the_command_fails_in_one_line(hub: Path, replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDFI_CLIENT_SECRET", "wrong")
    refused = one_line_error(pull_cli(hub, replay), 1)
    assert refused.endswith(
        f"the Ed-Fi API refused the client credentials (401) at {replay.base_url}/oauth/token"
    )

    missing = one_line_error(pull_cli(hub, replay, "--client-secret-env", "CG_TEST_UNSET_SECRET"), 2)
    assert "set the client secret in the environment variable CG_TEST_UNSET_SECRET" in missing

    monkeypatch.setenv("EDFI_CLIENT_SECRET", CLIENT_SECRET)
    unknown = run_cli(
        "pull-edfi",
        "--home",
        str(hub),
        "--org",
        "nobody",
        "--base-url",
        replay.base_url,
        "--client-id",
        CLIENT_ID,
    )
    assert "unknown organization 'nobody'" in one_line_error(unknown, 2)
    bad = one_line_error(pull_cli(hub, replay, "--resource", "staffs"), 2)
    assert "--resource 'staffs' is not supported" in bad
