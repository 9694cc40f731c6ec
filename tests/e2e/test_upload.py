"""In a real browser: a steward sends the Grand Bend zip through the upload page, watches the progress bar, and
reads the report with its chart drawn as SVG; a data lead's mapping preview follows the form through htmx."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from commonground.ingest.models import Submission
from tests.factories import PASSWORD, InformationSystemFactory, OrganizationFactory, make_user_with_role
from tests.ingest.web import write_grand_bend_zip

pytestmark = [pytest.mark.browser]


def sign_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("COMMONGROUND_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_steward_uploads_the_grand_bend_zip(
    live_server: Any, transactional_db: None, page: Any, tmp_path: Path
) -> None:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    make_user_with_role("hub_steward", hub, username="steward")
    OrganizationFactory(slug="grand-bend", name="Grand Bend District", kind="district")
    export = write_grand_bend_zip(tmp_path / "grand-bend-oneroster.zip")
    base = live_server.url
    sign_in(page, base, "steward")

    page.get_by_role("link", name="Data submissions").click()
    page.get_by_role("link", name="Send data").click()
    # Sent without files: the script shows the page's answer (the form with its errors) in place.
    page.get_by_role("button", name="Send").click()
    page.get_by_role("alert").wait_for()
    assert "This field is required" in (page.locator("form.upload-form").text_content() or "")
    assert page.url == f"{base}/ingest/upload/" and not Submission.objects.exists()

    page.get_by_label("Organization").select_option(label="Grand Bend District")
    page.get_by_label("Format").select_option("oneroster")
    page.get_by_label("Files:", exact=True).set_input_files(str(export))

    # Hold the upload at the network edge, so the page's progress can be seen before the report opens.
    held: list[Any] = []
    page.route("**/ingest/upload/", lambda route: held.append(route))
    page.get_by_role("button", name="Send").click()
    progress = page.locator("progress#upload-progress-bar")
    progress.wait_for(state="visible")
    status = page.locator(".upload-progress-text")
    assert "Send" in (status.text_content() or ""), status.text_content()
    assert status.get_attribute("aria-live") == "polite"
    assert page.get_by_role("button", name="Send").is_disabled()
    page.wait_for_function("() => true")  # let Playwright deliver the held request
    assert held, "the form was sent with XMLHttpRequest"
    held[0].continue_()

    page.wait_for_url(f"{base}/ingest/submissions/*/")
    sub = Submission.objects.get()
    assert sub.status == "accepted" and sub.row_counts["person"] == 8
    assert page.locator(".report-status").text_content().count("Accepted") == 1
    chart = page.locator("[data-vega-lite='completeness-person'] svg")
    chart.wait_for()
    assert chart.locator(".mark-rect path").count() >= 10, "one bar per column of person"
    assert page.locator("[data-vega-lite]").evaluate_all(
        "els => els.every(e => e.getAttribute('data-chart-state') === 'drawn')"
    )
    screenshot(page, "submission-report.png")


def test_mapping_preview_follows_the_form(
    live_server: Any, transactional_db: None, page: Any, tmp_path: Path
) -> None:
    district = OrganizationFactory(slug="grand-bend", name="Grand Bend District", kind="district")
    InformationSystemFactory(organization=district, name="After-school roster")
    make_user_with_role("data_lead", district, username="district-lead")
    sample = tmp_path / "roster.csv"
    sample.write_text(
        "Student ID,First Name,Surname,DOB,Gender,Bus route\n"
        + "".join(
            f"{n},Name{n},Family{n},03/{n + 12}/2012,{'F' if n % 2 else 'M'},{n}\n" for n in range(1, 13)
        ),
        encoding="utf-8",
    )
    base = live_server.url
    sign_in(page, base, "district-lead")
    page.goto(f"{base}/ingest/mappings/wizard/")
    page.get_by_label("Source system").select_option(label="After-school roster (Grand Bend District)")
    page.get_by_label("What the file holds").select_option("person")
    page.get_by_label("Sample file").set_input_files(str(sample))
    page.get_by_role("button", name="Read the sample").click()
    page.wait_for_url(f"{base}/ingest/mappings/wizard/*/")

    preview = page.locator("#mapping-preview")
    assert "No problems in the first rows" in (preview.text_content() or "")
    with page.expect_response("**/preview/"):
        page.get_by_label("Date formats for birth_date").fill("%d/%m/%Y")
        page.get_by_label("Date formats for birth_date").press("Tab")
    preview.locator(".cell-error").first.wait_for()
    assert "expected a date as %d/%m/%Y" in (preview.text_content() or "")
    with page.expect_response("**/preview/"):
        page.get_by_label("Date formats for birth_date").fill("%m/%d/%Y")
        page.get_by_label("Date formats for birth_date").press("Tab")
    page.wait_for_function("() => !document.querySelector('#mapping-preview .cell-error')")
    screenshot(page, "mapping-wizard.png")
