"""Family invitation codes open a child's whole record: staff issue them only for children their organization
serves (a record it holds, or a program the child takes part in); stewards for any child.

The access matrix found the hole this closes — a case manager could issue a code for any hub id."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client

from commonground.portal.models import Invitation
from tests.factories import OrganizationFactory, make_user_with_role
from tests.governance.gate_world import holds_record, takes_part

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quiet() -> Iterator[None]:
    logging.disable(logging.WARNING)  # the refusals are the point
    yield
    logging.disable(logging.NOTSET)


def issue(user: object, hub_id: str) -> int:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client.post(
        "/family/invitations/new/", {"hub_person_id": hub_id, "relationship": "parent"}
    ).status_code


def test_staff_issue_codes_only_for_children_their_organization_serves() -> None:
    school, club, other = (OrganizationFactory(kind=k) for k in ("school", "nonprofit", "nonprofit"))
    holds_record("HP-SCHOOL", school)
    takes_part("HP-CLUB", club)
    holds_record("HP-ELSEWHERE", other)
    teacher = make_user_with_role("case_manager", school)
    coordinator = make_user_with_role("data_lead", club)

    assert issue(teacher, "HP-SCHOOL") == 200
    assert issue(coordinator, "HP-CLUB") == 200
    for user, hub_id in ((teacher, "HP-CLUB"), (teacher, "HP-ELSEWHERE"), (coordinator, "HP-NOBODY")):
        assert issue(user, hub_id) == 403  # the same answer whether the child exists elsewhere or not
    issued = Invitation.objects.values_list("hub_person_id", "issued_by")
    assert sorted(issued) == sorted([("HP-SCHOOL", school.pk), ("HP-CLUB", club.pk)])


def test_a_steward_issues_for_any_child() -> None:
    steward = make_user_with_role("hub_steward", OrganizationFactory(kind="hub"))
    assert issue(steward, "HP-ANYONE") == 200 and Invitation.objects.get().hub_person_id == "HP-ANYONE"
