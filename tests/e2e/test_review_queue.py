"""In a real browser, by keyboard only: a steward accepts one pair and rejects another in the review queue; the
decisions are stored, and a rerun of linkage keeps them (the accepted pair joined, the rejected pair apart)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from commonground.linkage.actions import do_link
from commonground.linkage.choices import ReviewStatus
from commonground.linkage.models import ReviewItem
from tests.e2e.test_upload import screenshot, sign_in
from tests.factories import OrganizationFactory, make_user_with_role
from tests.linkage.registry_helpers import FAMILIES, hub_of, publish, queue_pair, roster

pytestmark = [pytest.mark.browser]


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.name"))


def test_steward_accepts_and_rejects_by_keyboard(
    live_server: Any, transactional_db: None, page: Any, tmp_path: Path
) -> None:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    make_user_with_role("hub_steward", hub, username="steward")
    publish(tmp_path, "district", roster(1, FAMILIES))
    publish(tmp_path, "afterschool", roster(101, [("Bill", "Smith", "2012-04-03", "12 Oak Street", "M")]))
    do_link()
    ReviewItem.objects.all().delete()
    accept = queue_pair(("district", "6"), ("district", "10"))  # two hub people a steward knows are one
    reject = queue_pair(
        ("district", "1"), ("afterschool", "101")
    )  # linked by the model; the steward says two
    waterfall = [
        {"comparison": "first_name", "level": "nickname or preferred name", "weight": 6.5},
        {"comparison": "birth_date", "level": "null", "weight": 0.0},
        {"comparison": "address", "level": "same address", "weight": 10.2},
    ]
    ReviewItem.objects.filter(pk=accept.pk).update(
        probability=0.95, prior_weight=-12.4, contributions=waterfall
    )
    ReviewItem.objects.filter(pk=reject.pk).update(probability=0.9)
    assert hub_of("district", "1") == hub_of("afterschool", "101")

    base = live_server.url
    sign_in(page, base, "steward")
    page.get_by_role("link", name="Linkage review").click()
    page.wait_for_url(f"{base}/linkage/review/")
    page.wait_for_load_state("load")  # the shortcut script is loaded with the page (defer)
    page.keyboard.press("Alt+n")  # "Start reviewing"
    page.wait_for_url(f"{base}/linkage/review/{accept.pk}/")
    page.wait_for_load_state("load")
    page.locator("[data-chart-state=drawn] svg").wait_for()  # the waterfall is drawn
    assert _focused(page) == "reason"
    screenshot(page, "review-item.png")
    page.keyboard.type("same child: the district file lists both ids")
    page.keyboard.press("Alt+a")
    page.wait_for_url(f"{base}/linkage/review/{reject.pk}/")
    page.wait_for_load_state("load")
    assert _focused(page) == "reason"  # the focus moved on to the next pair's reason box
    page.keyboard.type("different children: parents confirmed")
    page.keyboard.press("Alt+r")
    page.wait_for_url(f"{base}/linkage/review/")

    decided = {
        i.pk: (i.status, i.reason, i.decided_by.username)
        for i in ReviewItem.objects.select_related("decided_by")
    }
    assert decided[accept.pk] == (
        ReviewStatus.ACCEPTED,
        "same child: the district file lists both ids",
        "steward",
    )
    assert decided[reject.pk][0] == ReviewStatus.REJECTED
    assert hub_of("district", "6") == hub_of("district", "10")  # accepted: merged at once

    do_link()  # a rerun keeps both decisions
    assert ReviewItem.objects.get(pk=accept.pk).status == ReviewStatus.ACCEPTED
    assert ReviewItem.objects.get(pk=reject.pk).status == ReviewStatus.REJECTED
    assert hub_of("district", "6") == hub_of("district", "10")
    assert hub_of("district", "1") != hub_of("afterschool", "101")
