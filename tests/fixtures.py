"""Fixtures shared by the web-page tests: a hub steward, a partner data lead and signed-in clients.

Imported by each test package's ``conftest.py``.
"""

from __future__ import annotations

import pytest
from django.test import Client

from commonground.people.models import User
from tests.factories import OrganizationFactory, make_user_with_role


@pytest.fixture
def steward(db: None) -> User:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    return make_user_with_role("hub_steward", hub, username="steward")


@pytest.fixture
def member(db: None) -> User:
    return make_user_with_role("data_lead", username="member")


@pytest.fixture
def steward_client(steward: User) -> Client:
    client = Client()
    client.force_login(steward)
    return client


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client
