"""The review queue and registry pages: stewards only, decisions through the action, the waterfall, the gate."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from commonground.linkage.actions import do_link
from commonground.linkage.choices import ReviewStatus
from commonground.linkage.models import ReviewItem
from commonground.linkage.waterfall import probability, waterfall_rows
from tests.linkage.registry_helpers import hub_of
from tests.linkage.registry_helpers import queue_pair as _queue_pair

pytestmark = pytest.mark.django_db

CONTRIBUTIONS = [
    {"comparison": "first_name", "level": "nickname or preferred name", "weight": 6.5},
    {"comparison": "birth_date", "level": "exact", "weight": 11.0},
    {"comparison": "address", "level": "else", "weight": -4.25},
    {"comparison": "phone", "level": "null", "weight": 0.0},
]


@pytest.fixture
def queue(two_rosters: Path) -> list[ReviewItem]:
    """Two pending pairs with a waterfall (0.97 first, then 0.8)."""
    do_link()
    ReviewItem.objects.all().delete()
    first = _queue_pair(("district", "2"), ("district", "3"))
    second = _queue_pair(("district", "4"), ("district", "5"))
    ReviewItem.objects.filter(pk=first.pk).update(
        probability=0.97, contributions=CONTRIBUTIONS, prior_weight=-12.0
    )
    ReviewItem.objects.filter(pk=second.pk).update(probability=0.8)
    return [ReviewItem.objects.get(pk=first.pk), ReviewItem.objects.get(pk=second.pk)]


def test_waterfall_rows_add_up() -> None:
    rows = waterfall_rows(-12.0, CONTRIBUTIONS)
    assert rows[0]["label"] == "prior" and rows[-1]["label"] == "total"
    assert rows[-1]["end"] == pytest.approx(-12.0 + 6.5 + 11.0 - 4.25)
    for before, after in itertools.pairwise(rows[:-1]):
        assert after["start"] == before["end"]  # each bar starts where the last ended
    assert rows[3]["effect"] == "lowers" and rows[4]["effect"].startswith("not compared")
    assert probability(0.0) == 0.5 and probability(10) > 0.999


def test_only_stewards_see_the_queue(queue: list[ReviewItem], member_client: Client) -> None:
    url = reverse("linkage:review_list")
    assert Client().get(url).status_code == 302  # to sign in
    assert member_client.get(url).status_code == 403
    assert member_client.get(queue[0].get_absolute_url()).status_code == 403
    assert (
        member_client.post(queue[0].get_absolute_url(), {"decision": "accepted", "reason": "x"}).status_code
        == 403
    )
    assert ReviewItem.objects.get(pk=queue[0].pk).status == ReviewStatus.PENDING


def test_queue_lists_pending_pairs_by_probability(queue: list[ReviewItem], steward_client: Client) -> None:
    page = steward_client.get(reverse("linkage:review_list")).content.decode()
    assert page.index(f"#{queue[0].pk}") < page.index(f"#{queue[1].pk}")
    assert 'data-shortcut="n"' in page


def test_item_page_has_waterfall_table_spec_and_keyboard_form(
    queue: list[ReviewItem], steward_client: Client
) -> None:
    response = steward_client.get(queue[0].get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    spec = json.loads(page.split('id="waterfall-spec" type="application/json">')[1].split("</script>")[0])
    assert [v["label"] for v in spec["data"]["values"]][1] == "first_name: nickname or preferred name"
    assert "+11.0" in page and "-4.2" in page
    for key in ('data-shortcut="a"', 'data-shortcut="r"', 'data-shortcut="u"', "autofocus"):
        assert key in page
    assert "<script>" not in page  # no inline script: the chart is drawn by a static file


def test_records_are_read_through_the_gate_or_not_at_all(
    queue: list[ReviewItem], steward_client: Client
) -> None:
    page = steward_client.get(queue[0].get_absolute_url()).content.decode()
    # The demo rows are only shown when the gate allows them; either way no name reaches the page otherwise.
    if "The records cannot be shown" in page:
        assert "Olivia" not in page and "Garcia" not in page
    else:
        assert "Same?" in page


def test_deciding_moves_to_the_next_pending_pair(
    queue: list[ReviewItem], steward_client: Client, steward: object
) -> None:
    response = steward_client.post(
        queue[0].get_absolute_url(), {"decision": "rejected", "reason": "two girls"}
    )
    assert response.status_code == 302 and response["Location"] == queue[1].get_absolute_url()
    item = ReviewItem.objects.get(pk=queue[0].pk)
    assert (item.status, item.reason, item.decided_by) == (ReviewStatus.REJECTED, "two girls", steward)
    last = steward_client.post(queue[1].get_absolute_url(), {"decision": "unsure", "reason": "cannot tell"})
    assert last["Location"] == reverse("linkage:review_list")


def test_missing_reason_is_a_form_error(queue: list[ReviewItem], steward_client: Client) -> None:
    response = steward_client.post(queue[0].get_absolute_url(), {"decision": "accepted", "reason": ""})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert ReviewItem.objects.get(pk=queue[0].pk).status == ReviewStatus.PENDING


def test_hub_person_page_shows_records_and_history(
    queue: list[ReviewItem], steward_client: Client, member_client: Client
) -> None:
    hub = hub_of("district", "1")
    url = reverse("linkage:person", args=[hub])
    assert member_client.get(url).status_code == 403
    page = steward_client.get(url).content.decode()
    assert "district" in page.lower() and "101" in page and "Created" in page
    assert steward_client.get(reverse("linkage:person", args=["HP-NOPE"])).status_code == 404


def test_side_by_side_marks_differences_in_words(
    queue: list[ReviewItem], steward_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the gate allowing the fields, both records show and differing fields say so (not colour alone)."""
    import pyarrow as pa

    from commonground.governance import gate

    item = queue[0]
    a, b = item.record_a, item.record_b
    asked: dict[str, object] = {}

    def authorize(actor: object, purpose: str, subjects: list[str], elements: list[str]) -> str:
        asked.update(purpose=purpose, subjects=list(subjects), elements=list(elements))
        return "decision"

    def read(decision: str, table: str, route: str, *, path: str = "") -> pa.Table:
        asked.update(table=table, route=route)
        return pa.table(
            {
                "hub_person_id": [a.hub_person.hub_id, b.hub_person.hub_id],
                "source_person_id": [a.source_person_id, b.source_person_id],
                "first_name": ["Emma", "Emily"],
                "last_name": ["Jones", "Jones"],
            }
        )

    monkeypatch.setattr(gate, "authorize", authorize)
    monkeypatch.setattr(gate, "read", read)
    page = steward_client.get(item.get_absolute_url()).content.decode()
    assert asked["purpose"] == "school_official" and asked["table"] == "person" and asked["route"] == "view"
    assert set(asked["subjects"]) == {a.hub_person.hub_id, b.hub_person.hub_id}  # type: ignore[arg-type]
    first = page[page.index(">First name<") :].split("</tr>")[0]
    last = page[page.index(">Last name<") :].split("</tr>")[0]
    assert "<strong>Emma</strong>" in first and "differs" in first
    assert "same" in last and "differs" not in last


def test_the_pair_is_read_through_the_real_gate_only_under_a_hub_agreement(
    queue: list[ReviewItem], steward_client: Client
) -> None:
    """No agreement naming the hub: the page says the gate refused and shows no field. With one (school-official,
    hub stewards), both records show and each look is in the record of disclosures."""
    from commonground.ecosystem.models import Organization
    from commonground.governance.models import DisclosureRecord
    from commonground.governance.population import do_refresh_population
    from commonground.linkage.review_records import ELEMENTS
    from tests.governance.gate_world import make_agreement

    do_refresh_population()
    item = queue[0]
    refused = steward_client.get(item.get_absolute_url()).content.decode()
    assert "Field by field" not in refused and "the disclosure gate" in refused
    assert not DisclosureRecord.objects.exists()

    make_agreement(
        basis="school_official", purpose="school_official",
        disclosing=list({item.record_a.organization, item.record_b.organization}),
        recipients=[Organization.objects.get(slug="the-hub")], roles=["hub_steward"], elements=ELEMENTS,
        reference="HUB-LINKAGE",
    )  # fmt: skip
    page = steward_client.get(item.get_absolute_url()).content.decode()
    assert "Field by field" in page and "the disclosure gate refused" not in page
    seen = set(DisclosureRecord.objects.filter(route="view").values_list("hub_person_id", flat=True))
    assert seen == {item.record_a.hub_person.hub_id, item.record_b.hub_person.hub_id}
