"""The Ed-Fi ODS/API client and its mapping, against the local replay server (Django-free, no internet)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commonground.ingest.connectors.edfi_api import EdfiApiClient, EdfiApiError
from commonground.ingest.connectors.edfi_api_pull import PullResult, Window, merge_roster, pull
from commonground.ingest.connectors.edfi_api_resources import json_label, to_element
from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.ingest.connectors.validate import validate_result
from tests.helpers import free_port

from .conftest import EDFI_EXCERPT, find_issue
from .edfi_replay import CLIENT_ID, CLIENT_SECRET, FIXTURES, Replay

STUDENTS, EVENTS = "ed-fi/students", "ed-fi/studentSchoolAttendanceEvents"
PROVENANCE = {"submission_id", "source_file", "source_line", "record_status", "date_last_modified"}


@pytest.fixture
def replay() -> Iterator[Replay]:
    server = Replay().start()
    yield server
    server.stop()


def make_client(replay: Replay, waits: list[float] | None = None, **options: Any) -> EdfiApiClient:
    """A client whose backoff sleeps are recorded instead of slept."""
    recorded = waits if waits is not None else []
    return EdfiApiClient(replay.base_url, CLIENT_ID, CLIENT_SECRET, sleep=recorded.append, **options)


def full(*resources: str, newest: int = 200) -> dict[str, Window]:
    return {r: Window(None, newest) for r in resources}


def data(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows without their provenance columns, sorted."""
    return sorted(({k: v for k, v in r.items() if k not in PROVENANCE} for r in rows), key=repr)


def test_the_token_is_reused_and_renewed_once_when_refused(replay: Replay) -> None:
    client = make_client(replay)
    assert client.available_change_versions() is not None
    client.available_change_versions()
    assert (client.stats.tokens, len(replay.tokens)) == (1, 1)

    replay.fail("revoke-tokens", "changeQueries")
    versions = client.available_change_versions()

    assert versions is not None and (versions.oldest, versions.newest) == (0, 200)
    assert client.stats.tokens == 2
    statuses = [(r.method, r.path.rsplit("/", 1)[-1], r.status) for r in replay.log]
    assert statuses[-3:] == [
        ("GET", "availableChangeVersions", 401),
        ("POST", "token", 200),
        ("GET", "availableChangeVersions", 200),
    ]


def test_wrong_credentials_are_one_clear_error(replay: Replay) -> None:
    client = EdfiApiClient(replay.base_url, CLIENT_ID, "not-the-secret", sleep=lambda _s: None)

    with pytest.raises(EdfiApiError) as caught:
        client.available_change_versions()

    assert (
        str(caught.value)
        == f"the Ed-Fi API refused the client credentials (401) at {replay.base_url}/oauth/token"
    )
    assert [r.status for r in replay.log] == [401]  # refused credentials are not retried


def test_25_students_come_in_pages_of_10_with_total_count(replay: Replay) -> None:
    pages = list(make_client(replay).pages(STUDENTS, limit=10, max_change_version=200))

    assert [(p.number, p.offset, len(p.items), p.total_count) for p in pages] == [
        (1, 0, 10, 25),
        (2, 10, 10, 25),
        (3, 20, 5, 25),
    ]
    asked = [r.query for r in replay.data_requests(STUDENTS)]
    assert [q["offset"] for q in asked] == ["0", "10", "20"]
    assert all(
        q["limit"] == "10" and q["totalCount"] == "true" and q["maxChangeVersion"] == "200" for q in asked
    )
    assert json.loads(pages[0].body)[0]["studentUniqueId"] == "604821"  # the raw body is kept as received


def test_a_page_shorter_than_total_count_says_is_reported(replay: Replay) -> None:
    replay.fail("truncate", STUDENTS, offset=10)

    pulled = pull(make_client(replay), "grand-bend", full(STUDENTS), limit=10)

    issue = find_issue(pulled.result, "page-count-mismatch", "error")
    assert (issue.file, issue.column, issue.value) == (STUDENTS, "page 2 (offset 10)", "7 items")
    assert issue.expected.startswith("10 items (Total-Count 25, limit 10)")
    assert pulled.result.rows()["person"] == 22 and not pulled.result.ok


def test_throttling_and_server_errors_are_retried(replay: Replay) -> None:
    replay.fail("status", STUDENTS, status=429)
    replay.fail("status", STUDENTS, status=500, offset=10)
    waits: list[float] = []
    client = make_client(replay, waits, backoff=0.25)

    pulled = pull(client, "grand-bend", full(STUDENTS), limit=10)

    assert pulled.result.ok and pulled.result.rows()["person"] == 25
    assert [r.status for r in replay.data_requests(STUDENTS)] == [429, 200, 500, 200, 200]
    assert waits == [0.0, 0.25]  # Retry-After: 0 is honoured; the 500 waits the first backoff step
    assert (client.stats.retries, client.stats.requests) == (2, 1 + 5)


def test_a_server_that_keeps_failing_is_given_up_on(replay: Replay) -> None:
    replay.fail("status", STUDENTS, status=503, times=10)
    waits: list[float] = []
    client = make_client(replay, waits, backoff=0.5, max_retries=2)

    with pytest.raises(EdfiApiError) as caught:
        list(client.pages(STUDENTS, limit=10))

    url = f"{replay.base_url}/data/v3/{STUDENTS}?offset=0&limit=10&totalCount=true"
    assert (
        str(caught.value) == f"the Ed-Fi API still answered 503 at {url} after 3 attempts: injected failure"
    )
    assert waits == [0.5, 1.0]


def test_an_unreachable_host_and_a_body_that_is_not_json(replay: Replay) -> None:
    port = free_port()
    client = EdfiApiClient(
        f"http://127.0.0.1:{port}/api", "id", "secret", max_retries=1, sleep=lambda _s: None
    )
    with pytest.raises(EdfiApiError) as caught:
        client.token()
    assert (
        str(caught.value)
        == f"cannot reach the Ed-Fi API at http://127.0.0.1:{port}/api/oauth/token: connection refused"
    )

    replay.fail("not-json", "changeQueries")
    with pytest.raises(EdfiApiError) as caught:
        make_client(replay).available_change_versions()
    message = str(caught.value)
    assert message.startswith("the Ed-Fi API answered with a body that is not JSON at ")
    assert (
        "/changeQueries/v1/availableChangeVersions (text/html): '<html><body><h1>502 Bad Gateway" in message
    )

    replay.fail("redirect", "changeQueries")
    with pytest.raises(EdfiApiError) as caught:
        make_client(replay).available_change_versions()
    assert str(caught.value).startswith("the Ed-Fi API redirects (302) ")
    assert str(caught.value).endswith(
        "to https://elsewhere.invalid/api/api/changeQueries/v1/availableChangeVersions; give the base URL it names"
    )

    replay.fail("status", STUDENTS, status=403)
    with pytest.raises(EdfiApiError, match=r"may not read data/v3/ed-fi/students \(403\)"):
        list(make_client(replay).pages(STUDENTS))

    with pytest.raises(EdfiApiError, match="base URL must start with http"):
        EdfiApiClient("file:///etc/passwd", "id", "secret")


def test_the_api_gives_the_same_rows_as_the_xml_of_the_same_records() -> None:
    replay = Replay(newest=312).start()  # every student and event of the excerpt, before later changes
    try:
        pulled = pull(make_client(replay), "grand-bend", full(STUDENTS, EVENTS, newest=312), limit=500)
    finally:
        replay.stop()
    xml = parse_edfi_xml(sorted(EDFI_EXCERPT.glob("*.xml")), "grand-bend", reference_year=2022)

    api = pulled.result.tables
    assert pulled.result.rows() == xml.rows() == {"person": 25, "attendance_event": 72}
    for table in ("person", "attendance_event"):
        assert data(api[table].to_pylist()) == data(xml.tables[table].to_pylist())
    lisa = next(p for p in api["person"].to_pylist() if p["source_person_id"] == "604822")
    assert (lisa["source_file"], lisa["source_line"], lisa["record_status"]) == (STUDENTS, 2, None)
    assert lisa["date_last_modified"] == dt.datetime(2024, 8, 19, 14, 7, 24, 51852, tzinfo=dt.UTC)


def test_an_incremental_pull_asks_for_the_window_and_the_deletes(replay: Replay) -> None:
    replay.newest = 400
    resources = (STUDENTS, "ed-fi/studentSchoolAssociations", EVENTS)

    pulled = pull(make_client(replay), "grand-bend", {r: Window(201, 400) for r in resources}, limit=10)

    for resource in resources:
        asked = replay.data_requests(resource)
        assert {r.path.endswith("/deletes") for r in asked} == {False, True}
        assert all(
            (r.query["minChangeVersion"], r.query["maxChangeVersion"]) == ("201", "400") for r in asked
        )
    rows = {t: pulled.result.tables[t].to_pylist() for t in ("person", "enrollment", "attendance_event")}
    assert [(r["source_person_id"], r["record_status"]) for r in rows["person"]] == [
        ("604824", "tobedeleted"),
        ("604822", "active"),
    ]
    assert rows["person"][1]["preferred_first_name"] == "Lisa"
    gone = [r for r in rows["attendance_event"] if r["record_status"] == "tobedeleted"]
    assert [(r["source_person_id"], r["date"], r["category"], r["source_file"]) for r in gone] == [
        ("604822", dt.date(2022, 5, 18), "excused", f"{EVENTS}/deletes")
    ]
    assert len(rows["attendance_event"]) == 13 and len(rows["enrollment"]) == 1
    assert pulled.resources[EVENTS] == {
        "mode": "incremental",
        "min_change_version": 201,
        "max_change_version": 400,
        "items": 12,
        "deletes": 1,
        "pages": 3,
        "total_count": 12,
    }
    assert pulled.contact_updates == {}  # the contact records were not asked for


def test_issues_name_the_resource_item_and_json_field(tmp_path: Path) -> None:
    fixtures = tmp_path / "edfi-api"
    shutil.copytree(FIXTURES, fixtures)
    path = fixtures / "ed-fi" / "students.json"
    history = json.loads(path.read_text(encoding="utf-8"))
    history["records"][12]["resource"]["birthDate"] = "2014-02-30"
    del history["records"][13]["resource"]["studentUniqueId"]
    path.write_text(json.dumps(history), encoding="utf-8")
    replay = Replay(fixtures=fixtures).start()
    try:
        pulled = pull(make_client(replay), "grand-bend", full(STUDENTS), limit=10)
    finally:
        replay.stop()
    validate_result(pulled.result, reference_year=2022)

    bad_date = find_issue(pulled.result, "bad-date")
    assert (bad_date.file, bad_date.line, bad_date.column, bad_date.value) == (
        STUDENTS,
        13,
        "birthDate",
        "2014-02-30",
    )
    missing = find_issue(pulled.result, "missing-value")
    assert (missing.file, missing.line, missing.column) == (STUDENTS, 14, "studentUniqueId")
    assert (
        missing.message
        == f"{STUDENTS}, line 14, column studentUniqueId; expected a StudentUniqueId [missing-value]"
    )


def test_json_resources_become_the_xml_records_the_handlers_read() -> None:
    element = to_element(
        {
            "id": "abc",
            "addresses": [{"city": "Grand Bend", "periods": []}],
            "attemptedCredits": 1.5,
            "schoolReference": {"schoolId": 255901001, "link": {"rel": "School", "href": "/ed-fi/schools/x"}},
            "primarySchool": True,
            "_etag": "1",
        },
        "CourseTranscript",
        7,
    )
    assert element.findtext("Address/City") == "Grand Bend"
    assert element.findtext("AttemptedCredits/Credits") == "1.5"
    assert element.findtext("SchoolReference/SchoolId") == "255901001"
    assert element.findtext("PrimarySchool") == "true"
    assert element.find("Id") is None and element.find("SchoolReference/Link") is None
    assert {e.get("_line") for e in element.iter()} == {"7"}
    assert (
        json_label("StudentReference/StudentIdentity/StudentUniqueId") == "studentReference.studentUniqueId"
    )
    assert json_label("StudentSchoolAttendanceEvent/AttendanceEvent/EventDate") == "eventDate"
    assert json_label("School/Address/Latitude") == "addresses.latitude"


def _person(pid: str, **fields: Any) -> dict[str, Any]:
    return {"source_org": "gb", "source_person_id": pid, "source_file": "ed-fi/students", **fields}


def test_a_delta_is_merged_into_the_previous_roster() -> None:
    schema_table = pa.Table.from_pylist
    from commonground.ingest.connectors.canonical import schema

    previous = schema_table(
        [
            _person("1", first_name="Ann", address="1 Old Rd", sex="female"),
            _person("2", first_name="Bo", address="2 Old Rd"),
            _person("3", first_name="Cy", address="3 Old Rd"),
        ],
        schema=schema("person"),
    )
    delta = schema_table(
        [
            _person("1", first_name="Anne", record_status="active"),
            _person("2", record_status="tobedeleted"),
            _person("4", first_name="Di", record_status="active"),
        ],
        schema=schema("person"),
    )
    new_address = {
        "address": "9 New Rd",
        "city": None,
        "state": None,
        "postal_code": None,
        "phone": None,
        "email": None,
    }
    pulled = PullResult(result=None, contact_ids={"3"}, contact_updates={"3": {**new_address, "sex": "male"}})  # type: ignore[arg-type]

    merged, counts = merge_roster("person", previous, delta, pulled)

    got = {
        r["source_person_id"]: (r["first_name"], r["address"], r["sex"], r["record_status"])
        for r in merged.to_pylist()
    }
    assert got == {
        "1": ("Anne", "1 Old Rd", "female", None),  # changed; contacts not pulled, so kept
        "3": ("Cy", "9 New Rd", "male", None),  # unchanged student, new contact record
        "4": ("Di", None, None, None),
    }
    assert counts == {"carried": 1, "updated": 1, "added": 1, "deleted": 1}
