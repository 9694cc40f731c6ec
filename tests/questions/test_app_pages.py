"""The catalog's pages for each role: what each sees, proposing, the steward's review and publishing, downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from commonground.people.models import User
from commonground.questions.actions import do_publish_release
from commonground.questions.models import Question, Release
from tests.questions.app_world import World, approved, make_world, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None, tmp_path: Path) -> World:
    """The community of :mod:`tests.questions.app_world`."""
    return make_world(tmp_path / "files")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def catalog(world: World) -> dict[str, Question]:
    """A published public question, an approved leaders' question, a partners' one and a proposal."""
    public = approved(world, slug="public-q", audience="public", breakdowns=[["school"]])
    do_publish_release(acting_user=world.steward, question=public)
    return {
        "public": Question.objects.get(pk=public.pk),
        "leaders": approved(world, slug="leaders-q", wording="Leaders only?"),
        "partners": approved(world, slug="partners-q", wording="Partners only?", audience="partners"),
        "proposed": propose(world, slug="proposed-q", wording="Still proposed?", audience="public"),
    }


def _listed(client: Client, query: str = "") -> set[str]:
    response = client.get(f"/questions/{query}")
    assert response.status_code == 200
    return {q.slug for q, _latest in response.context["questions"]}


def test_each_role_sees_the_questions_its_audience_allows(world: World, catalog: dict[str, Any]) -> None:
    everything = {"public-q", "leaders-q", "partners-q", "proposed-q"}
    assert _listed(_client(None)) == {"public-q"}
    assert _listed(_client(world.parent)) == {"public-q"}
    assert _listed(_client(world.outsider)) == {"public-q"}
    assert _listed(_client(world.coordinator)) == {"public-q", "partners-q"}
    assert _listed(_client(world.leader)) == everything  # leaders' questions, and the district's own proposal
    assert _listed(_client(world.lead)) == everything
    assert _listed(_client(world.steward)) == everything
    assert _listed(_client(world.steward), "?status=proposed") == {"proposed-q"}
    assert _listed(_client(world.steward), "?audience=public") == {"public-q", "proposed-q"}
    assert _listed(_client(world.steward), "?status=published&audience=public") == {"public-q"}


def test_signed_out_visitors_read_a_public_question_its_release_and_csv(
    world: World, catalog: dict[str, Any]
) -> None:
    client = _client(None)
    html = client.get("/questions/public-q/").content.decode()
    assert "Chronic absence" in html and "How to read this." in html and "Definition." in html
    assert 'href="/questions/public-q/releases/1.csv"' in html
    assert "Governance review" not in html and "Publish a release" not in html
    release = Release.objects.get()
    page = client.get("/questions/public-q/releases/1/").content.decode()
    assert '<th scope="col">school</th>' in page and '<th scope="row">D</th>' in page
    assert "suppressed" in page and release.sha256 in page and "riverbend" in page
    csv = client.get("/questions/public-q/releases/1.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode() == release.csv_text and csv["X-Content-SHA256"] == release.sha256
    transparency = client.get("/transparency/").content.decode()
    assert 'href="/questions/public-q/"' in transparency and "Leaders only?" not in transparency


@pytest.mark.parametrize("path", ["/questions/leaders-q/", "/questions/proposed-q/", "/questions/nothing/",
                                  "/questions/leaders-q/releases/1/", "/questions/public-q/releases/9.csv"])  # fmt: skip
def test_what_a_visitor_may_not_see_is_not_found(world: World, catalog: dict[str, Any], path: str) -> None:
    assert _client(None).get(path).status_code == 404
    assert _client(world.coordinator).get(path).status_code == 404


def test_a_partner_member_proposes_through_the_form(world: World) -> None:
    client = _client(world.coordinator)
    form = client.get("/questions/propose/")
    assert (
        form.status_code == 200
        and b'<label for="id_wording">' in form.content
        and b"<legend>Indicators" in form.content
    )
    data = {"owner": world.partner.pk, "slug": "dosage", "wording": "How much service do participants get?",
            "action": "Plan staffing.", "action_taker": "Program director", "audience": "partners",
            "cadence": "term", "indicators": ["program_dosage"], "breakdowns": "school; grade", "params": ""}  # fmt: skip
    bad = client.post("/questions/propose/", {**data, "breakdowns": "program"})
    assert bad.status_code == 400 and "cannot be broken down by &#x27;program&#x27;" in bad.content.decode()
    bad_json = client.post("/questions/propose/", {**data, "params": "{not json"})
    assert bad_json.status_code == 400 and "Not valid JSON" in bad_json.content.decode()
    response = client.post("/questions/propose/", data)
    assert response.status_code == 302 and response["Location"] == "/questions/dosage/"
    made = Question.objects.get(slug="dosage")
    assert (made.owner, made.status, made.breakdowns) == (world.partner, "proposed", [["school"], ["grade"]])
    assert client.get("/questions/dosage/").status_code == 200  # the proposer sees their proposal


def test_only_partner_members_open_the_propose_form(world: World) -> None:
    assert _client(None).get("/questions/propose/").status_code == 302  # to sign in
    assert _client(world.outsider).get("/questions/propose/").status_code == 403
    assert _client(world.parent).get("/questions/propose/").status_code == 403


def test_the_steward_reviews_publishes_and_retires_on_the_page(world: World, catalog: dict[str, Any]) -> None:
    steward, lead = _client(world.steward), _client(world.lead)
    assert lead.post("/questions/proposed-q/review/", {"step": "approve"}).status_code == 403
    page = steward.get("/questions/proposed-q/").content.decode()
    assert 'action="/questions/proposed-q/review/"' in page and "Governance review" in page
    declined = steward.post("/questions/proposed-q/review/", {"step": "decline", "note": ""})
    assert declined.status_code == 400 and "Say why the question is declined." in declined.content.decode()
    assert (
        steward.post("/questions/proposed-q/review/", {"step": "approve", "note": "Fine."}).status_code == 302
    )
    assert Question.objects.get(slug="proposed-q").status == "approved"
    bad = steward.post("/questions/proposed-q/publish/", {"min_cell": "2"})
    assert bad.status_code == 400 and not Release.objects.filter(question__slug="proposed-q").exists()
    published = steward.post("/questions/proposed-q/publish/", {"min_cell": "10"})
    assert published.status_code == 302 and published["Location"] == "/questions/proposed-q/releases/1/"
    assert Question.objects.get(slug="proposed-q").status == "published"
    assert lead.post("/questions/proposed-q/retire/", {}).status_code == 403
    assert steward.post("/questions/proposed-q/retire/", {"reason": "Done."}).status_code == 302
    assert Question.objects.get(slug="proposed-q").status == "retired"
    again = steward.post("/questions/proposed-q/retire/", {})
    assert (
        again.status_code == 400
        and "only an approved or published question can be retired" in again.content.decode()
    )


def test_the_catalog_is_in_the_navigation(world: World) -> None:
    assert b'href="/questions/"' in _client(None).get("/transparency/").content
    assert b'href="/questions/"' in _client(world.leader).get("/questions/").content


def test_the_proposer_and_the_steward_edit_a_question(world: World, catalog: dict[str, Any]) -> None:
    lead, leader, steward = _client(world.lead), _client(world.leader), _client(world.steward)
    form = lead.get("/questions/proposed-q/edit/")
    assert (
        form.status_code == 200
        and b'value="school"' in form.content
        and b'<label for="id_wording">' in form.content
    )
    assert leader.get("/questions/proposed-q/edit/").status_code == 403  # not the proposer, not the steward
    data = {"wording": "Which schools, now?", "action": "Place outreach workers.", "action_taker": "Office",
            "audience": "public", "cadence": "annual", "indicators": ["chronic_absence"],
            "breakdowns": "school; year", "params": ""}  # fmt: skip
    bad = lead.post("/questions/proposed-q/edit/", {**data, "breakdowns": "shoe_size"})
    assert bad.status_code == 400 and "unknown breakdown" in bad.content.decode()
    assert lead.post("/questions/proposed-q/edit/", data).status_code == 302
    edited = Question.objects.get(slug="proposed-q")
    assert (edited.wording, edited.version, edited.breakdowns) == (
        "Which schools, now?",
        2,
        [["school"], ["year"]],
    )
    assert lead.get("/questions/leaders-q/edit/").status_code == 403  # approved: only the steward now
    assert steward.post("/questions/leaders-q/edit/", {**data, "wording": "Leaders, v2?"}).status_code == 302
    assert Question.objects.get(slug="leaders-q").version == 2
    page = steward.get("/questions/leaders-q/").content.decode()
    assert 'href="/questions/leaders-q/edit/"' in page
