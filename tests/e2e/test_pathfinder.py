"""In a real browser, through the accessibility tree a screen reader uses: a partner's data lead answers the
pathfinder (each question a named group of radio buttons), reads the recommended path, and drafts the agreement."""

from __future__ import annotations

from typing import Any

import pytest

from commonground.governance.models import Agreement
from tests.factories import PASSWORD, OrganizationFactory, make_user_with_role

pytestmark = [pytest.mark.browser]


def answer(page: Any, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_role("radio", name=choice).check()


def test_data_lead_finds_the_studies_path_and_drafts_it(
    live_server: Any, transactional_db: None, page: Any
) -> None:
    OrganizationFactory(slug="district", name="Riverbend Unified School District", kind="district")
    university = OrganizationFactory(
        slug="university", name="State University Research Center", kind="agency"
    )
    make_user_with_role("data_lead", university, username="lead")
    base = live_server.url
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("lead")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    page.get_by_role("link", name="Agreements").click()
    page.get_by_role("link", name="Pathfinder").click()
    page.get_by_label("Who wants the data?").select_option(label="State University Research Center")
    assert page.get_by_label("Whose records are they?").input_value()  # the only district is chosen already
    answer(page, "What will the data be used for?", "Research or a study")
    page.get_by_label("The purpose, in your own words").fill("Which tutoring schedules improve reading?")
    answer(page, "Do you need records about individual, identifiable students?", "Yes")
    answer(page, "Will you collect written consent from each parent (or student aged 18 or more)?", "No")
    answer(page, "Is this a service the district would otherwise provide with its own staff?", "No")
    answer(page, "Will the district keep direct control over how the records are used and kept?", "No")
    answer(page, "Is it a study for the district to develop predictive tests, run student aid, or improve instruction?", "Yes")  # fmt: skip
    answer(page, "Is it an audit or evaluation of a Federal- or State-supported education program?", "No")
    page.get_by_role("group", name="Assessment result").get_by_role("checkbox", name="scale score").check()
    page.get_by_role("button", name="Show my lawful paths").click()

    recommended = page.get_by_role(
        "heading", name="Recommended: Studies for the district (34 CFR 99.31(a)(6))"
    )
    recommended.wait_for()
    assert page.get_by_text("Destruction deadline (34 CFR 99.31(a)(6)(iii)(C)(4))").is_visible()
    page.get_by_role("button", name="Create a draft agreement for this path").first.click()
    page.wait_for_url(f"{base}/governance/agreements/*/")
    agreement = Agreement.objects.get()
    assert agreement.legal_basis == "studies" and agreement.elements == ["assessment_result.scale_score"]
    assert page.get_by_role("heading", name="Before it can be activated").is_visible()
