"""The access matrix: every route of the hub × every role × every relationship to the object, against the table.

Routes come from the URL resolver (pages, the admin, the API), actors are one person of every role plus no one
and a partner system's API token, and each object route is requested with an object of the actor's own side and
one of another organization or another child (IDOR). Every cell's answer must be the one
:mod:`tests.security.access_table` expects — above all, 0 unexpected allows. Two further tests prove the matrix
notices a page opened to the wrong people, and an object of another organization handed out.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db.models import QuerySet

from commonground.ingest.models import Submission
from tests.security import access_walk
from tests.security.access_table import TABLE, rule_for
from tests.security.access_walk import Cell, Route
from tests.security.access_world import AccessWorld, build_world


def methods_of(route: Route) -> tuple[str, ...]:
    """GET always; POST too when the view answers POST (the admin's forms share its GET gate: GET only)."""
    if route.name.startswith(("admin:", "admin/")):
        return ("GET",)
    view = getattr(route.pattern.callback, "view_class", None)
    return ("GET", "POST") if view is None or hasattr(view, "post") else ("GET",)


def judge(cells: Iterator[Cell]) -> dict[str, list[Cell]]:
    """Sort the cells by verdict: ``ok``, ``unexpected allow``, ``unexpected refusal``, ``error``, ``n/a``."""
    verdicts: dict[str, list[Cell]] = {
        "ok": [], "unexpected allow": [], "unexpected refusal": [], "error": [], "n/a": []
    }  # fmt: skip
    for cell in cells:
        rule = rule_for(cell.route)
        assert rule is not None, f"no rule for {cell.route}"
        expected = rule.expected(cell.actor, cell.target, cell.method, api=cell.route.startswith("api:"))
        if cell.outcome in ("error", "n/a"):
            verdicts[cell.outcome].append(cell)
        elif cell.outcome == expected or (expected == "either" and cell.outcome in ("allow", "deny")):
            verdicts["ok"].append(cell)
        elif cell.outcome == "allow":
            verdicts["unexpected allow"].append(cell)
        else:
            verdicts["unexpected refusal"].append(cell)
    return verdicts


def describe(cells: list[Cell]) -> str:
    return "\n".join(
        f"  {c.method} {c.path} as {c.actor} ({c.route}, target {c.target}): {c.status} {c.outcome} {c.error}"
        for c in cells[:40]
    )


@pytest.fixture
def world(db: None, tmp_path: Path) -> AccessWorld:
    return build_world(tmp_path)


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    # Thousands of deliberate 403/404s: Django's request log would drown the output.
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def test_every_route_has_exactly_one_rule() -> None:
    routes = access_walk.named_routes()
    missing = sorted(r.name for r in routes if rule_for(r.name) is None)
    assert missing == [], f"routes without an entry in tests/security/access_table.py: {missing}"
    stale = sorted(set(TABLE) - {r.name for r in routes})
    assert stale == [], f"entries for routes that no longer exist: {stale}"


@pytest.mark.slow  # some 4,000 requests: about 2 minutes on a busy machine
def test_no_route_answers_anyone_it_should_not(world: AccessWorld) -> None:
    routes = access_walk.named_routes()
    verdicts = judge(access_walk.walk(world, routes, methods_of))
    judged = len(verdicts["ok"]) + len(verdicts["unexpected allow"]) + len(verdicts["unexpected refusal"])
    by_actor = Counter(c.actor for c in verdicts["ok"])
    print(
        f"\naccess matrix: {len(routes)} routes, {judged} cells judged ({len(verdicts['n/a'])} n/a), "
        f"{len(verdicts['unexpected allow'])} unexpected allows, "
        f"{len(verdicts['unexpected refusal'])} unexpected refusals, {len(verdicts['error'])} errors; "
        f"per actor: {dict(by_actor)}"
    )
    assert verdicts["error"] == [], "server errors:\n" + describe(verdicts["error"])
    assert verdicts["unexpected allow"] == [], "unexpected allows:\n" + describe(verdicts["unexpected allow"])
    assert verdicts["unexpected refusal"] == [], "the table says allow:\n" + describe(
        verdicts["unexpected refusal"]
    )
    assert judged > 2000 and len(verdicts["unexpected allow"]) == 0


def _walk_some(world: AccessWorld, names: set[str]) -> dict[str, list[Cell]]:
    routes = [r for r in access_walk.named_routes() if r.name in names]
    assert {r.name for r in routes} == names
    return judge(access_walk.walk(world, routes, methods_of))


def test_the_matrix_catches_a_page_opened_to_everyone(
    world: AccessWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = {
        "governance:consent_list",
        "governance:consent_detail",
        "linkage:person",
        "portal:invitation_create",
    }
    assert _walk_some(world, names)["unexpected allow"] == []
    # A mistake in the steward check every steward-only page relies on: it now says yes to everyone.
    monkeypatch.setattr("commonground.utilities.views.is_steward", lambda user: user.is_authenticated)
    opened = _walk_some(world, names)["unexpected allow"]
    assert {(c.route, c.actor) for c in opened} >= {
        ("governance:consent_list", "parent"),
        ("linkage:person", "case_manager"),
    }


def test_the_matrix_catches_another_organizations_object_handed_out(
    world: AccessWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = {"ingest:submission_detail", "api:get_submission", "api:list_submissions"}
    assert _walk_some(world, names)["unexpected allow"] == []

    def every_submission(*args: Any) -> QuerySet[Submission]:
        return Submission.objects.select_related("organization", "system", "submitted_by")

    # The object-level filter forgotten: the data lead's pages and the partner's token see every organization.
    monkeypatch.setattr("commonground.ingest.views.submissions.visible_submissions", every_submission)
    monkeypatch.setattr("commonground.api.routers.ingest._own", every_submission)
    opened = _walk_some(world, names)["unexpected allow"]
    assert {(c.route, c.actor, c.target) for c in opened} == {
        ("ingest:submission_detail", "data_lead", "other"),
        ("api:get_submission", "partner_token", "other"),
        ("api:list_submissions", "partner_token", "other"),
    }
