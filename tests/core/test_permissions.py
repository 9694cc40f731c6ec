"""Who counts as a hub steward: one case per condition."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from commonground.people.permissions import is_steward, may_see_person
from tests.factories import MembershipFactory, UserFactory, make_user_with_role

pytestmark = pytest.mark.django_db


def test_anonymous_is_not_a_steward() -> None:
    assert not is_steward(AnonymousUser())
    assert not is_steward(None)


def test_inactive_user_is_not_a_steward() -> None:
    assert not is_steward(make_user_with_role("hub_steward", is_active=False))


def test_superuser_is_a_steward() -> None:
    assert is_steward(UserFactory(is_superuser=True))


def test_active_steward_membership() -> None:
    assert is_steward(make_user_with_role("hub_steward"))
    assert not is_steward(make_user_with_role("data_lead"))


def test_future_or_switched_off_membership_does_not_count() -> None:
    later = UserFactory()
    MembershipFactory(user=later, role="hub_steward", starts_on=dt.date(2999, 1, 1))
    off = UserFactory()
    MembershipFactory(user=off, role="hub_steward", is_active=False)
    assert not is_steward(later) and not is_steward(off)


def test_may_see_person() -> None:
    user, other = UserFactory(), UserFactory()
    assert may_see_person(user, user.pk)
    assert not may_see_person(user, other.pk)
    assert may_see_person(make_user_with_role("hub_steward"), other.pk)
    assert not may_see_person(AnonymousUser(), other.pk)
