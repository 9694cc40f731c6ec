"""Principle 7: the home page names the training that agreements in force require and the user lacks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from commonground.governance.training import training_gaps
from tests.factories import MembershipFactory, TrainingRecordFactory, UserFactory
from tests.governance.builders import TODAY, World, activate, complete_agreement

pytestmark = pytest.mark.django_db


def home(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client.get(reverse("home")).content.decode()


def test_missing_and_expired_training_are_named_on_the_home_page() -> None:
    world = World()
    agreement = activate(complete_agreement("consent", recipient_roles=["case_manager"]))
    never = UserFactory(username="never-trained")
    MembershipFactory(user=never, organization=world.partner, role="case_manager")
    html = home(never)
    assert "Training your agreements require" in html
    assert f'Agreement <a href="{agreement.get_absolute_url()}">{agreement.reference}</a>' in html
    assert "FERPA basics</a>: you have not completed it" in html

    lapsed = UserFactory(username="lapsed")
    MembershipFactory(user=lapsed, organization=world.partner, role="case_manager")
    TrainingRecordFactory(
        user=lapsed,
        course=world.course,
        completed_on=TODAY - dt.timedelta(days=400),
        expires_on=TODAY - dt.timedelta(days=35),
    )
    expired_on = TODAY - dt.timedelta(days=35)
    assert f"your completion expired on {expired_on:%B} {expired_on.day}, {expired_on.year}" in home(lapsed)

    current = UserFactory(username="current")
    MembershipFactory(user=current, organization=world.partner, role="case_manager")
    TrainingRecordFactory(user=current, course=world.course)
    assert "Training your agreements require" not in home(current)


def test_only_recipients_in_a_listed_role_under_agreements_in_force() -> None:
    world = World()
    draft = complete_agreement("consent", reference="T-draft", recipient_roles=["case_manager"])
    user = UserFactory()
    MembershipFactory(user=user, organization=world.partner, role="case_manager")
    assert training_gaps(user) == []  # a draft binds no one yet
    activate(draft)
    assert [g.status for g in training_gaps(user)] == ["missing"]
    leader = UserFactory()
    MembershipFactory(user=leader, organization=world.partner, role="leader")
    assert training_gaps(leader) == []  # leaders are not among the recipient roles
    district_lead = UserFactory()
    MembershipFactory(user=district_lead, organization=world.district, role="case_manager")
    assert training_gaps(district_lead) == []  # the disclosing side is not a recipient
