"""In a real browser: the after-school coordinator opens "Students", finds the chronically absent participant,
exports the filtered list, narrows to students at risk, opens one student's page and asks for more data; every
page passes axe-core's WCAG 2.1 A/AA rules."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from commonground.governance.models import DisclosureRecord
from tests.actionlists.world import build
from tests.e2e.test_accessibility import page_violations
from tests.e2e.test_upload import screenshot, sign_in

pytestmark = [pytest.mark.browser]


def test_coordinator_filters_exports_and_opens_a_student(
    live_server: Any, transactional_db: None, browser: Any, tmp_path: Path
) -> None:
    world = build(tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=True,
                                  accept_downloads=True)  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(15_000)
    base = live_server.url
    sign_in(page, base, world.coordinator.username)

    page.get_by_role("link", name="Students", exact=True).click()
    page.wait_for_url(f"{base}/students/")
    table = page.get_by_role("table", name="Students your program serves")
    assert table.get_by_role("row").count() == 4  # the header and three students
    problems = page_violations(page)

    page.get_by_label("Flag").select_option(label="Chronically absent")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"{base}/students/?*flag=chronic*")
    rows = page.get_by_role("table", name="Students your program serves (filtered)").get_by_role("row")
    assert rows.count() == 2 and "=2+3 Bell" in rows.nth(1).inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [line["Student"] for line in exported] == ["'=2+3 Bell"]
    assert DisclosureRecord.objects.filter(route="export").exists()

    page.get_by_label("Flag").select_option(label="Early warning: at risk")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(f"{base}/students/?*flag=at_risk*")
    screenshot(page, "action-list.png")
    page.get_by_role("link", name="Ana Alvarez").click()
    page.wait_for_url(f"{base}/students/HP-A/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ana Alvarez"
    assert page.get_by_role("table", name="Enrollments, absences, incidents, assessments and program spells, "
                                          "newest first").get_by_text("Out-of-school suspension").count() == 1  # fmt: skip
    problems += page_violations(page)

    # Ask for what is restricted: a data request, which the coordinator then sees waiting for review.
    page.get_by_role("link", name="Data requests").click()
    page.get_by_role("link", name="Ask for data").click()
    problems += page_violations(page)
    page.get_by_label("On behalf of").select_option(label="Bright Futures")
    page.get_by_label("Organization holding the data").select_option(label="Riverbend Schools")
    page.get_by_label("Data elements").select_option(["assessment_result.performance_level"])
    page.get_by_label("Why you need it").fill("Plan tutoring before children fall behind.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(f"{base}/requests/*/")
    assert "Waiting for review" in page.inner_text("main")
    problems += page_violations(page)
    context.close()
    assert problems == [], "\n".join(problems)
