"""The pathfinder page: answers in, lawful paths out, and a draft agreement in one click."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from commonground.core.models import AuditEvent
from commonground.governance.models import Agreement
from tests.factories import make_user_with_role
from tests.governance.builders import World

pytestmark = pytest.mark.django_db
URL = "/governance/pathfinder/"


def answers(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "requester": world.partner.pk,
        "disclosing": world.district.pk,
        "activity": "study",
        "purpose": "Which tutoring schedules improve reading?",
        "identifiable": "yes",
        "consent": "no",
        "district_function": "no",
        "district_control": "no",
        "study_aim": "yes",
        "supported_program": "no",
        "elements": ["attendance_event.category", "assessment_result.scale_score"],
    }
    data.update(changes)
    return data


def test_questions_are_fieldsets_a_screen_reader_can_follow(steward_client: Client) -> None:
    html = steward_client.get(URL).content.decode()
    assert html.count("<fieldset") >= 9 and html.count("<legend") >= 9
    assert 'type="radio"' in html and "Your lawful paths" not in html


def test_recommendation_with_citations_and_needs(steward_client: Client) -> None:
    world = World()
    html = steward_client.get(URL, answers(world)).content.decode()
    assert "Recommended: Studies for the district" in html and "(34 CFR 99.31(a)(6))" in html
    assert "Destruction deadline" in html and "34 CFR 99.31(a)(6)(iii)(C)(4)" in html
    assert "Written consent of the parent or eligible student" in html and "possible" in html
    assert "Create a draft agreement for this path" in html


def test_no_path_yet_says_how_to_get_to_yes(steward_client: Client) -> None:
    world = World()
    html = steward_client.get(URL, answers(world, study_aim="no")).content.decode()
    assert "No lawful path fits these answers yet" in html and "Create a draft agreement" not in html


def test_incomplete_answers_are_marked(steward_client: Client) -> None:
    html = steward_client.get(URL, {"activity": "study"}).content.decode()
    assert 'role="alert"' in html and "Your lawful paths" not in html


def test_directory_only_is_worked_out_from_the_designation(steward_client: Client) -> None:
    world = World()
    world.designate(["person.first_name", "person.last_name", "person.grade_level"])
    given = answers(
        world, activity="services", study_aim="no", elements=["person.first_name", "person.grade_level"]
    )
    html = steward_client.get(URL, given).content.decode()
    assert "Recommended: Directory information" in html


def test_draft_from_the_answers(steward_client: Client) -> None:
    world = World()
    response = steward_client.post(
        reverse("governance:pathfinder_draft"), {**answers(world), "basis": "studies"}
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert response["Location"] == agreement.get_absolute_url()
    assert (
        agreement.status == "draft"
        and agreement.legal_basis == "studies"
        and agreement.purpose_category == "study"
    )
    assert agreement.elements == ["attendance_event.category", "assessment_result.scale_score"]
    assert agreement.governing_laws == {"attendance_event": "ferpa", "assessment_result": "ferpa"}
    assert (
        agreement.limits_use_to_purpose
        and agreement.restricts_identification
        and agreement.redisclosure_terms
    )
    assert agreement.parties_in("disclosing") == [world.district] and agreement.parties_in("recipient") == [
        world.partner
    ]
    assert agreement.pathfinder_answers["activity"] == "study"
    assert AuditEvent.objects.filter(
        action="governance.create_agreement", object_id=str(agreement.pk)
    ).exists()
    # What only the parties can say is left to complete, and the page says so.
    html = steward_client.get(agreement.get_absolute_url()).content.decode()
    assert "it has no destruction deadline" in html and "it has no term" in html


def test_a_path_that_does_not_fit_cannot_be_drafted(steward_client: Client) -> None:
    world = World()
    response = steward_client.post(
        reverse("governance:pathfinder_draft"), {**answers(world), "basis": "school_official"}, follow=True
    )
    assert "does not fit these answers" in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_data_lead_drafts_for_their_own_organization_only() -> None:
    world = World()
    client = Client()
    client.force_login(make_user_with_role("data_lead", world.partner))
    assert "Create a draft agreement" in client.get(URL, answers(world)).content.decode()
    assert client.post(reverse("governance:pathfinder_draft"), answers(world)).status_code == 302
    other = answers(world, requester=world.hub.pk)
    assert "Create a draft agreement" not in client.get(URL, other).content.decode()
    assert client.post(reverse("governance:pathfinder_draft"), other).status_code == 403
    assert Agreement.objects.count() == 1
