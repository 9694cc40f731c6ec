"""What a request remembers, and only for itself: the user's memberships, read once and shared by every permission
helper (the navigation's four, the second factor's, the action list's), and the last-seen time of the session,
written at most every 30 seconds.  A membership ended acts on the very next request."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commonground.actionlists import access
from commonground.actionlists.permissions import may_see_action_list, requesting_organizations
from commonground.governance.permissions import can_see_agreements
from commonground.ingest.permissions import may_submit_data
from commonground.people.models import Membership, User, remember_roles_for_request
from commonground.people.permissions import is_steward
from commonground.people.security import needs_two_factor
from tests.factories import OrganizationFactory, make_user_with_role

pytestmark = pytest.mark.django_db


def _membership_queries(queries: list[dict[str, str]]) -> int:
    return sum(1 for q in queries if "people_membership" in q["sql"])


def _ask_everything(user: User) -> tuple[object, ...]:
    return (
        is_steward(user),
        may_submit_data(user),
        can_see_agreements(user),
        may_see_action_list(user),
        needs_two_factor(user),
        access.organizations(user),
        requesting_organizations(user),
    )


def test_a_request_user_reads_its_memberships_once_for_every_helper() -> None:
    org = OrganizationFactory()
    user = User.objects.get(pk=make_user_with_role("data_lead", org).pk)
    remember_roles_for_request(user)
    with CaptureQueriesContext(connection) as queries:
        answers = _ask_everything(user)
    assert answers == (False, True, True, True, True, [org.pk], [org.pk])
    assert _membership_queries(queries.captured_queries) == 1


def test_a_user_object_outside_a_request_asks_afresh_each_time() -> None:
    org = OrganizationFactory()
    user = make_user_with_role("data_lead", org)
    assert may_submit_data(user) and may_see_action_list(user)
    Membership.objects.filter(user=user).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert not may_submit_data(user) and not may_see_action_list(user) and not needs_two_factor(user)
    assert access.organizations(user) == []


def test_roles_are_those_in_force_on_the_day_asked() -> None:
    org = OrganizationFactory()
    user = make_user_with_role("case_manager", org)
    later = OrganizationFactory()
    Membership.objects.create(
        user=user, organization=later, role="data_lead", starts_on=timezone.localdate() + dt.timedelta(days=3)
    )
    Membership.objects.create(
        user=user, organization=later, role="leader", starts_on=dt.date(2020, 1, 1), is_active=False
    )
    remember_roles_for_request(user)
    assert user.active_roles() == ((org.pk, "case_manager"),)
    assert set(user.active_roles(timezone.localdate() + dt.timedelta(days=5))) == {
        (org.pk, "case_manager"),
        (later.pk, "data_lead"),
    }


def test_a_membership_ended_acts_on_the_next_request() -> None:
    user = make_user_with_role("case_manager", OrganizationFactory())
    client = Client()
    client.force_login(user)
    students = reverse("actionlists:student_list")
    assert f'href="{students}"' in client.get("/").content.decode()
    Membership.objects.filter(user=user).update(ends_on=timezone.localdate() - dt.timedelta(days=1))
    assert f'href="{students}"' not in client.get("/").content.decode()


@override_settings(COMMONGROUND_SESSION_IDLE_MINUTES=30)
def test_last_seen_is_written_at_most_every_thirty_seconds() -> None:
    client = Client()
    client.force_login(make_user_with_role("case_manager", OrganizationFactory()))
    assert client.get("/").status_code == 200
    first = client.session["cg_session_last_seen"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert client.session["cg_session_last_seen"] == first
    assert not any(
        q["sql"].startswith("UPDATE") and "django_session" in q["sql"] for q in queries.captured_queries
    )
    session = client.session
    session["cg_session_last_seen"] = time.time() - 40
    session.save()
    before = time.time()
    assert client.get("/").status_code == 200
    assert client.session["cg_session_last_seen"] >= before
