"""The role-aware home page, sign-in and sign-out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    PASSWORD,
    DataFlowFactory,
    InformationSystemFactory,
    MembershipFactory,
    OrganizationFactory,
    TrainingCourseFactory,
    TrainingRecordFactory,
    UserFactory,
    make_user_with_role,
)

pytestmark = pytest.mark.django_db


def home_for(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_home_requires_sign_in(client: Client) -> None:
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sign_in_and_sign_out(client: Client) -> None:
    UserFactory(username="alice")
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username"' in page and '<label for="id_password"' in page
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("logout")).status_code == 405  # sign-out is POST only
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_home_greets_and_lists_memberships() -> None:
    org = OrganizationFactory(name="Bright Futures")
    user = UserFactory(display_name="Dana Reyes")
    MembershipFactory(user=user, organization=org, role="case_manager", title="Site coordinator")
    html = home_for(user)
    assert "Welcome, Dana Reyes" in html
    assert (
        "Bright Futures" in html and "Site coordinator" in html and "Case manager / site coordinator" in html
    )


def test_steward_next_steps(steward: Any) -> None:
    html = home_for(steward)
    assert 'data-role="hub_steward"' in html
    for name in (
        "ecosystem:map",
        "ecosystem:organization_list",
        "ecosystem:system_list",
        "ecosystem:flow_list",
        "people:user_list",
        "admin:index",
    ):
        assert f'href="{reverse(name)}"' in html


def test_data_lead_sees_their_organization_systems_and_flows() -> None:
    org = OrganizationFactory(name="Eastside Tutoring")
    system = InformationSystemFactory(organization=org, name="Session tracker")
    flow = DataFlowFactory(source=system, what="Weekly sessions")
    other = InformationSystemFactory(name="Someone else's system")
    user = make_user_with_role("data_lead", org)
    html = home_for(user)
    assert 'data-role="data_lead"' in html and 'data-role="hub_steward"' not in html
    assert org.get_absolute_url() in html and system.get_absolute_url() in html
    assert flow.what in html and other.name not in html
    assert 'href="/people/users/"' not in html  # no steward links


@pytest.mark.parametrize(
    ("role", "marker", "phrase"),
    [
        ("case_manager", "case_manager", "they arrive with later work"),
        ("leader", "leader", "Dashboards arrive with later work"),
        ("researcher", "researcher", "extracts arrive with later work"),
        ("parent", "family", 'href="/family/home/"'),
        ("eligible_student", "family", 'href="/family/home/"'),
    ],
)
def test_other_roles_are_told_plainly_what_comes_later(role: str, marker: str, phrase: str) -> None:
    html = home_for(make_user_with_role(role))
    assert f'data-role="{marker}"' in html
    assert phrase in html
    assert 'data-role="hub_steward"' not in html


def test_expired_training_is_announced() -> None:
    user = make_user_with_role("case_manager")
    course = TrainingCourseFactory(name="FERPA basics")
    TrainingRecordFactory(
        user=user, course=course, completed_on=dt.date(2023, 3, 3), expires_on=dt.date(2024, 3, 3)
    )
    html = home_for(user)
    assert "Your FERPA basics training expired on March 3, 2024." in html
    assert 'role="alert"' in html and "Expired" in html


def test_renewed_training_is_not_announced_as_expired() -> None:
    user = make_user_with_role("leader")
    course = TrainingCourseFactory(name="FERPA basics")
    TrainingRecordFactory(
        user=user, course=course, completed_on=dt.date(2023, 3, 3), expires_on=dt.date(2024, 3, 3)
    )
    today = timezone.localdate()
    TrainingRecordFactory(
        user=user, course=course, completed_on=today, expires_on=today + dt.timedelta(days=365)
    )
    html = home_for(user)
    assert "training expired on" not in html
    assert "Current" in html


def test_user_without_memberships_gets_a_plain_note() -> None:
    html = home_for(UserFactory())
    assert "You do not hold a role in any organization yet" in html
