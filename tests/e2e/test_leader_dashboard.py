"""In a real browser: a leader signs in, opens a question from the catalog, filters its dashboard by school and
by year, reads the table beside the chart (a suppressed cell marked "suppressed", never blank or 0), sees the
charts drawn and the map hatched, and downloads the evidence pack as HTML and as PDF; the dashboard passes
axe-core's WCAG 2.1 A/AA rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.questions.choices import Audience
from tests.e2e.test_accessibility import page_violations
from tests.e2e.test_upload import screenshot, sign_in
from tests.factories import OrganizationFactory, make_user_with_role
from tests.questions.app_world import build
from tests.questions.dashboard_fixtures import handmade

pytestmark = [pytest.mark.browser]

WORDING = "Where are children missing the most school?"


def test_leader_filters_reads_the_table_and_downloads_the_evidence_pack(
    live_server: Any, transactional_db: None, browser: Any, tmp_path: Path
) -> None:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    world = build(tmp_path / "files", make_user_with_role("hub_steward", hub, username="steward"))
    question = handmade(world)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True,
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    sign_in(page, base, world.leader.username)

    # Open the question from the catalog, then its dashboard.
    page.goto(f"{base}/questions/")
    page.get_by_role("link", name=WORDING).click()
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{base}/questions/{question.slug}/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == WORDING
    page.wait_for_selector("[data-vega-lite][data-chart-state='drawn']")
    assert page.locator("[data-chart-state='failed']").count() == 0
    problems = page_violations(page)

    # Filter by school: the trend is that school's, and its hidden year reads "suppressed".
    page.get_by_label("School", exact=True).select_option(label="Lincoln Elementary")
    page.get_by_label("School year", exact=True).select_option(label="All years")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"{base}/questions/{question.slug}/dashboard/?*school=417300101*")
    trend = page.get_by_role(
        "table", name="Chronically absent students over school years, Lincoln Elementary"
    )
    rows = trend.get_by_role("row")
    assert rows.count() == 3  # the header and two school years
    assert rows.nth(1).inner_text().split("\t") == ["2023–24", "suppressed", "suppressed", "suppressed"]
    assert rows.nth(2).inner_text().split("\t") == ["2024–25", "21.3%", "32", "150"]
    page.wait_for_selector("[data-vega-lite='chart-year'][data-chart-state='drawn']")
    assert (
        "suppressed" in page.locator("[data-vega-lite='chart-year'] svg").inner_html()
    )  # written on the chart, not drawn as 0
    problems += page_violations(page)

    # Every year, every school: the map draws each neighbourhood, Oak Hill hatched and labelled.
    page.get_by_label("School", exact=True).select_option(label="All schools")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(f"{base}/questions/{question.slug}/dashboard/?*school=All*")
    hoods = page.get_by_role("table", name="Chronically absent students by neighbourhood, all students")
    oak = hoods.get_by_role("row").filter(has_text="Oak Hill")
    assert oak.inner_text().split("\t") == ["Oak Hill", "suppressed", "suppressed", "suppressed"]
    the_map = page.get_by_role("img", name="Chronically absent students by neighbourhood")
    assert the_map.locator("path[fill='url(#map-hatch)']").count() == 1
    screenshot(page, "leader-dashboard.png")
    problems += page_violations(page)

    # The evidence pack, as HTML and as PDF.
    with page.expect_download() as html_download:
        page.get_by_role("link", name="Download evidence pack (HTML)").click()
    html = Path(html_download.value.path()).read_text(encoding="utf-8")
    assert html_download.value.suggested_filename == "absence-map-v1-evidence.html"
    assert WORDING in html and "url(#map-hatch)" in html and question.releases.get().sha256 in html
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download evidence pack (PDF)").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf_download.value.suggested_filename == "absence-map-v1-evidence.pdf"
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    assert problems == []
    context.close()


def test_a_visitor_reads_a_public_dashboard_but_not_a_leaders_one(
    live_server: Any, transactional_db: None, browser: Any, tmp_path: Path
) -> None:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    world = build(tmp_path / "files", make_user_with_role("hub_steward", hub, username="steward"))
    public = handmade(world, "public-map", Audience.PUBLIC)
    leaders = handmade(world, "leaders-map")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    page.goto(f"{base}/questions/{public.slug}/dashboard/?year=All")
    assert page.get_by_role("heading", level=1).inner_text() == WORDING
    page.wait_for_selector("[data-vega-lite][data-chart-state='drawn']")
    assert page.get_by_role("img", name="Chronically absent students by neighbourhood").count() == 1
    problems = page_violations(page)
    response = page.goto(f"{base}/questions/{leaders.slug}/dashboard/")
    assert response is not None and response.status == 404
    assert problems == []
    context.close()
