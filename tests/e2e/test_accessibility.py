"""Every main page passes axe-core's WCAG 2.1 A and AA rules in a real browser (0 violations), signed in as a hub
steward and, for the public pages, signed out, in English and in Spanish.

axe-core is vendored for the tests only (tests/e2e/vendor) and injected with the CSP bypassed for the test
context; the hub itself never serves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from tests.factories import PASSWORD, OrganizationFactory, make_user_with_role
from tests.governance.builders import activate, complete_agreement
from tests.ingest.conftest import GRAND_BEND

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STEWARD_PAGES = [
    "/",
    "/ecosystem/",
    "/ecosystem/organizations/",
    "/ecosystem/systems/",
    "/ecosystem/flows/",
    "/ecosystem/organizations/new/",
    "/people/users/",
    "/people/memberships/",
    "/people/training/courses/",
    "/ingest/",
    "/ingest/upload/",
    "/governance/",
    "/governance/pathfinder/",
    "/governance/consents/",
    "/governance/directory/",
    "/account/password/",
    "{agreement}",
    "{submission}",
]
PUBLIC_PAGES = ["/sign-in/", "/transparency/"]


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def page_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def violations(page: Any, url: str) -> list[str]:
    """Open ``url``, wait until it is idle, and check it (:func:`page_violations`)."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page_violations(page)


def test_main_pages_have_no_wcag_violations(live_server: Any, transactional_db: None, axe_page: Any) -> None:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    make_user_with_role("hub_steward", hub, username="steward")
    agreement = activate(complete_agreement("school_official"))
    district = Organization.objects.get(slug="test-district")
    submission = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    base = live_server.url
    found: list[str] = []
    for path in PUBLIC_PAGES:
        found += violations(axe_page, base + path)
    axe_page.context.add_cookies([{"name": "django_language", "value": "es", "url": base}])
    found += violations(axe_page, base + "/transparency/")
    axe_page.context.clear_cookies()

    axe_page.goto(f"{base}/sign-in/")
    axe_page.get_by_label("Username").fill("steward")
    axe_page.get_by_label("Password").fill(PASSWORD)
    axe_page.get_by_role("button", name="Sign in").click()
    axe_page.wait_for_url(f"{base}/")
    checked = 0
    for path in STEWARD_PAGES:
        url = base + path.format(
            agreement=f"/governance/agreements/{agreement.pk}/",
            submission=f"/ingest/submissions/{submission.pk}/",
        )
        found += violations(axe_page, url)
        checked += 1
    assert checked == len(STEWARD_PAGES)
    assert found == [], "\n".join(found)
