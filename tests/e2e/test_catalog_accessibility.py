"""The catalog's pages pass axe-core's WCAG 2.1 A and AA rules in a real browser, signed out and as the steward."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.questions.actions import do_publish_release
from tests.e2e.test_accessibility import axe_page, violations  # noqa: F401 - the page with axe-core
from tests.factories import PASSWORD
from tests.questions.app_world import approved, make_world, propose

pytestmark = [pytest.mark.browser]


def test_catalog_pages_have_no_wcag_violations(
    live_server: Any,
    transactional_db: None,
    axe_page: Any,  # noqa: F811 - the imported fixture
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path / "files")
    public = approved(world, slug="public-q", audience="public", breakdowns=[["school"], ["year"]])
    do_publish_release(acting_user=world.steward, question=public)
    propose(world, slug="proposed-q", wording="Still proposed?")
    base = live_server.url
    found: list[str] = []
    for path in ("/questions/", "/questions/public-q/", "/questions/public-q/releases/1/"):
        found += violations(axe_page, base + path)
    assert "suppressed" in axe_page.content()  # the release page itself was checked, not an error page
    axe_page.goto(f"{base}/sign-in/")
    axe_page.get_by_label("Username").fill("steward")
    axe_page.get_by_label("Password").fill(PASSWORD)
    axe_page.get_by_role("button", name="Sign in").click()
    axe_page.wait_for_url(f"{base}/")
    for path in ("/questions/", "/questions/propose/", "/questions/proposed-q/", "/questions/public-q/"):
        found += violations(axe_page, base + path)
    assert "Publish a release" in axe_page.content()  # signed in as the steward
    assert found == [], "\n".join(found)
