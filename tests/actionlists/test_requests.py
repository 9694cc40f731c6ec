"""Data requests: asked with a reason, approved by the hub steward and the disclosing organization's data lead,
then turned into a draft amendment by the steward — or declined, always with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from commonground.actionlists import actions
from commonground.actionlists.models import DataRequest
from commonground.core.models import AuditEvent
from commonground.governance.models import Agreement
from commonground.people.models import User
from tests.actionlists.world import COVERED, World
from tests.factories import make_user_with_role

pytestmark = pytest.mark.django_db
WANTED = ["assessment_result.performance_level", "assessment_result.subject"]


@pytest.fixture
def district_lead(world: World) -> User:
    return make_user_with_role("data_lead", world.district, username="district-lead")


def _ask(world: World, **fields: object) -> DataRequest:
    values: dict[str, object] = {
        "acting_user": world.coordinator, "organization": world.partner, "disclosing": world.district,
        "kind": "element", "reason": "Plan tutoring before children fall behind.", "elements": WANTED,
        "agreement": world.agreement,
    }  # fmt: skip
    values.update(fields)
    return actions.do_submit_data_request(**values)  # type: ignore[arg-type]


def test_both_approvals_then_a_draft_amendment(world: World, steward: User, district_lead: User) -> None:
    request = _ask(world)
    assert request.status == "pending"
    request = actions.do_approve_data_request(acting_user=steward, request=request, note="Fits the purpose.")
    assert request.status == "pending"  # the district has not approved yet
    with pytest.raises(ValidationError, match="Both the hub steward and the disclosing organization"):
        actions.do_amend_from_request(acting_user=steward, request=request)
    request = actions.do_approve_data_request(acting_user=district_lead, request=request)
    assert request.status == "approved"
    with pytest.raises(PermissionDenied):
        actions.do_amend_from_request(acting_user=district_lead, request=request)

    request = actions.do_amend_from_request(acting_user=steward, request=request)

    draft = request.amendment
    assert request.status == "amended" and draft is not None
    assert (draft.reference, draft.status, draft.legal_basis) == ("DSA-LIST-A1", "draft", "consent")
    assert sorted(draft.elements) == sorted([*COVERED, *WANTED])
    assert [p.organization for p in draft.parties.filter(role="recipient")] == [world.partner]
    assert [p.organization for p in draft.parties.filter(role="disclosing")] == [world.district]
    assert draft.population_program_organization == world.partner
    assert list(draft.required_training.all()) == list(world.agreement.required_training.all())
    assert (
        Agreement.objects.get(pk=world.agreement.pk).elements == COVERED
    )  # the agreement in force is untouched
    steps = list(request.events.values_list("step", flat=True))
    assert steps == ["submitted", "steward_approved", "owner_approved", "amended"]
    actions_logged = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"actionlists.submit_request", "actionlists.approve_request", "actionlists.amend_from_request",
            "governance.create_agreement"} <= actions_logged  # fmt: skip


def test_decline_needs_a_reason_and_only_a_reviewer_may(
    world: World, steward: User, district_lead: User
) -> None:
    request = _ask(world)
    with pytest.raises(ValidationError, match="reason"):
        actions.do_decline_data_request(acting_user=district_lead, request=request, reason="  ")
    with pytest.raises(PermissionDenied):
        actions.do_decline_data_request(acting_user=world.coordinator, request=request, reason="No.")
    with pytest.raises(PermissionDenied):
        actions.do_approve_data_request(acting_user=world.coordinator, request=request)

    request = actions.do_decline_data_request(
        acting_user=district_lead, request=request, reason="Assessment data needs a studies agreement."
    )

    assert (
        request.status == "declined"
        and request.decline_reason == "Assessment data needs a studies agreement."
    )
    with pytest.raises(ValidationError, match="declined"):
        actions.do_approve_data_request(acting_user=steward, request=request)


def test_bad_requests_are_refused_with_clear_errors(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        _ask(world, reason="", elements=["grades.math"])
    assert "reason" in caught.value.message_dict and "unknown data element" in str(caught.value.message_dict)
    with pytest.raises(PermissionDenied):
        _ask(world, organization=world.other)  # the coordinator is not a member there
    assert not DataRequest.objects.exists()


def test_requester_sees_status_and_history_in_the_browser(
    world: World, coordinator_client: Client, steward_client: Client, district_lead: User
) -> None:
    response = coordinator_client.post(
        "/requests/new/",
        {
            "organization": world.partner.pk,
            "disclosing": world.district.pk,
            "agreement": world.agreement.pk,
            "kind": "element",
            "elements": WANTED,
            "reason": "Plan tutoring.",
        },
    )
    request = DataRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/requests/{request.pk}/"

    lead = Client()
    lead.force_login(district_lead)
    assert lead.post(f"/requests/{request.pk}/", {"step": "decline", "note": ""}).status_code == 400
    assert lead.post(f"/requests/{request.pk}/", {"step": "approve"}).status_code == 302
    assert steward_client.post(f"/requests/{request.pk}/", {"step": "approve"}).status_code == 302
    assert steward_client.post(f"/requests/{request.pk}/", {"step": "amend"}).status_code == 302

    page = coordinator_client.get(f"/requests/{request.pk}/").content.decode()
    assert "Draft amendment created" in page and "DSA-LIST-A1" in page
    assert "Approved by the hub steward" in page and "Approved by the disclosing organization" in page
    assert str(request) in coordinator_client.get("/requests/").content.decode()
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(f"/requests/{request.pk}/").status_code == 404
    assert outsider.post(f"/requests/{request.pk}/", {"step": "approve"}).status_code == 404


def test_form_errors_come_back_on_the_form(world: World, coordinator_client: Client) -> None:
    response = coordinator_client.post(
        "/requests/new/",
        {"organization": world.partner.pk, "disclosing": world.district.pk, "kind": "element", "reason": "x"},
    )
    assert response.status_code == 400 and "Name at least one data element." in response.content.decode()
    assert not DataRequest.objects.exists()
