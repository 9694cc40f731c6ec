"""Schemathesis against the partner API's own OpenAPI document, in process (the Django WSGI app, no network).

Each operation is fuzzed with a fixed seed (``derandomize``) and a bounded number of examples:

- as the partner system (its token): no server error, every answer conforms to the schema (status code, content
  type, headers, body), and no answer ever shows another organization's submission;
- as a signed-in person with a session and no token (the API takes tokens only): every answer is a documented 401.

Then explicit object-level checks: the partner's token reading, listing and paging over the district's
submission ids gets "not found" or nothing, and a submission it sends is its own organization's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from commonground.ingest.models import Submission
from tests.ingest.web import grand_bend_files
from tests.security.access_world import AccessWorld, build_world

pytestmark = pytest.mark.django_db
EXAMPLES = 25  # per operation and caller: the whole file runs in well under a minute
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def world(db: None, tmp_path: Path) -> AccessWorld:
    return build_world(tmp_path)


@pytest.fixture
def app() -> Iterator[WSGIHandler]:
    """Django's WSGI app, on the test's database connection (as Django's test client keeps it)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    logging.disable(logging.WARNING)  # fuzzing means hundreds of deliberate 4xx answers
    try:
        yield WSGIHandler()
    finally:
        logging.disable(logging.NOTSET)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def own_organization_only(world: AccessWorld) -> Any:
    """A schemathesis check: nothing in an answer to the partner's token belongs to another organization."""
    foreign = set(
        Submission.objects.exclude(organization=world.objects["partner"]).values_list("pk", flat=True)
    )

    def check(ctx: Any, response: Any, case: Any) -> bool:
        if response.status_code >= 300 or "json" not in response.headers.get("content-type", [""])[0]:
            return True
        body = response.json()
        items = body.get("items", [body]) if isinstance(body, dict) else []
        for item in items:
            if "organization" in item:
                assert item["organization"] == "bright-futures", f"another organization's object: {item}"
            if "submission" in item:
                assert item["submission"] not in foreign, f"another organization's submission: {item}"
        return True

    return check


def operations(app: WSGIHandler) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    found = [result.ok() for result in schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in found} == {
        "GET /api/v1/submissions",
        "POST /api/v1/submissions",
        "GET /api/v1/submissions/{submission_id}",
    }
    return found


def fuzz(operation: Any, headers: dict[str, str], checks: list[Any], seen: list[int]) -> None:
    """Run ``EXAMPLES`` generated cases of ``operation`` with ``headers``, validating every answer."""

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)
        seen.append(response.status_code)

    run()


def test_the_partner_token_gets_only_conforming_answers_about_its_own_organization(
    world: AccessWorld, app: WSGIHandler
) -> None:
    headers = {"Authorization": f"Bearer {world.tokens['partner']}"}
    seen: list[int] = []
    for operation in operations(app):
        fuzz(operation, headers, [*CONFORMANCE, own_organization_only(world)], seen)
    print(f"\nschemathesis as the partner's token: {len(seen)} cases, statuses {sorted(set(seen))}")
    assert len(seen) >= EXAMPLES and all(code < 500 for code in seen)
    assert {200, 400} <= set(seen)  # the fuzzing reached real answers, not only refusals


def test_a_session_without_a_token_gets_only_documented_401s(world: AccessWorld, app: WSGIHandler) -> None:
    client = Client()
    client.force_login(world.users["hub_steward"])  # even the steward: the API takes tokens, never sessions
    headers = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    seen: list[int] = []
    for operation in operations(app):
        fuzz(operation, headers, CONFORMANCE, seen)
    print(
        f"\nschemathesis as a signed-in steward without a token: {len(seen)} cases, statuses {sorted(set(seen))}"
    )
    assert len(seen) >= EXAMPLES and set(seen) == {401}


def test_a_token_never_reads_or_writes_another_organizations_submissions(world: AccessWorld) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['partner']}")
    district = Submission.objects.filter(organization=world.objects["district"]).values_list("pk", flat=True)
    assert district
    for pk in district:
        response = client.get(f"/api/v1/submissions/{pk}")
        assert response.status_code == 404 and response.json() == {"detail": f"submission {pk} not found"}
    listed = client.get("/api/v1/submissions", {"limit": 500}).json()
    mine = set(Submission.objects.filter(organization=world.objects["partner"]).values_list("pk", flat=True))
    assert {item["submission"] for item in listed["items"]} == mine and listed["count"] == len(mine)
    assert {item["organization"] for item in listed["items"]} == {"bright-futures"}
    # The district's token sees the district's, never the partner's.
    other = Client(HTTP_AUTHORIZATION=f"Bearer {world.tokens['district']}")
    assert all(other.get(f"/api/v1/submissions/{pk}").status_code == 404 for pk in mine)
    # Writing: the token decides the organization; naming another one in the request changes nothing.
    sent = client.post(
        "/api/v1/submissions",
        {"format": "oneroster", "files": grand_bend_files(), "organization": "riverbend", "org": "riverbend"},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["organization"] == "bright-futures"
    created = Submission.objects.get(pk=sent.json()["submission"])
    assert (created.organization, created.system) == (
        world.objects["partner"],
        world.objects["partner_system"],
    )
