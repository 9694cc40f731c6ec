"""People pages: users, memberships, training courses and records (generic cases plus ownership rules)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse

from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    TrainingCourseFactory,
    TrainingRecordFactory,
    UserFactory,
)
from tests.view_mixins import CreateViewCases, DetailViewCases, ListViewCases

pytestmark = pytest.mark.django_db


class TestUserViews(ListViewCases, DetailViewCases, CreateViewCases):
    model = User
    factory = UserFactory
    members_may_list = False
    members_may_see_detail = False
    url_names = {"list": "people:user_list", "detail": "people:user_detail", "create": "people:user_create"}

    def create_data(self) -> dict[str, Any]:
        return {
            "username": "newcomer",
            "display_name": "New Comer",
            "email": "new@example.org",
            "preferred_language": "es",
            "password": "a-long-enough-passphrase",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"username": "newcomer"}


class TestMembershipViews(ListViewCases, DetailViewCases, CreateViewCases):
    model = Membership
    factory = MembershipFactory
    members_may_list = False
    members_may_see_detail = False
    url_names = {
        "list": "people:membership_list",
        "detail": "people:membership_detail",
        "create": "people:membership_create",
    }

    def create_data(self) -> dict[str, Any]:
        user = UserFactory(username="joiner")
        org = OrganizationFactory()
        return {
            "user": user.pk,
            "organization": org.pk,
            "role": "case_manager",
            "title": "Site coordinator",
            "starts_on": "2025-08-01",
        }

    def created_lookup(self) -> dict[str, Any]:
        return {"user__username": "joiner", "role": "case_manager"}


class TestCourseViews(ListViewCases, DetailViewCases, CreateViewCases):
    model = TrainingCourse
    factory = TrainingCourseFactory
    url_names = {
        "list": "people:course_list",
        "detail": "people:course_detail",
        "create": "people:course_create",
    }

    def url_args(self, obj: Model) -> list[Any]:
        return [obj.slug]  # type: ignore[attr-defined]

    def create_data(self) -> dict[str, Any]:
        return {"name": "FERPA basics", "slug": "ferpa-basics", "valid_for_days": "365"}

    def created_lookup(self) -> dict[str, Any]:
        return {"slug": "ferpa-basics"}


class TestTrainingViews(ListViewCases, DetailViewCases, CreateViewCases):
    model = TrainingRecord
    factory = TrainingRecordFactory
    members_may_list = False
    members_may_see_detail = False
    url_names = {
        "list": "people:training_list",
        "detail": "people:training_detail",
        "create": "people:training_create",
    }

    def create_data(self) -> dict[str, Any]:
        user = UserFactory(username="learner")
        course = TrainingCourseFactory(valid_for_days=30)
        return {"user": user.pk, "course": course.pk, "completed_on": "2025-01-10"}

    def created_lookup(self) -> dict[str, Any]:
        return {"user__username": "learner"}


def test_training_expiry_defaults_to_course_validity(steward_client: Any) -> None:
    user = UserFactory()
    course = TrainingCourseFactory(valid_for_days=30)
    steward_client.post(
        reverse("people:training_create"),
        {"user": user.pk, "course": course.pk, "completed_on": "2025-01-10"},
    )
    assert TrainingRecord.objects.get(user=user).expires_on == dt.date(2025, 2, 9)


def test_user_create_rejects_weak_password(steward_client: Any) -> None:
    response = steward_client.post(reverse("people:user_create"), {"username": "weak", "password": "short"})
    assert response.status_code == 200
    assert not User.objects.filter(username="weak").exists()


def test_user_created_without_password_cannot_sign_in(steward_client: Any) -> None:
    steward_client.post(reverse("people:user_create"), {"username": "nopass", "preferred_language": "en"})
    assert not User.objects.get(username="nopass").has_usable_password()


def test_people_see_their_own_pages(member: User, member_client: Any) -> None:
    record = TrainingRecordFactory(user=member)
    membership = member.memberships.get()
    for url in (member.get_absolute_url(), record.get_absolute_url(), membership.get_absolute_url()):
        assert member_client.get(url).status_code == 200


def test_someone_elses_pages_are_not_found_like_missing_ones(member_client: Any) -> None:
    other = UserFactory()
    assert member_client.get(other.get_absolute_url()).status_code == 404
    assert member_client.get(reverse("people:user_detail", args=[999_999])).status_code == 404


def test_course_detail_lists_completions_only_for_stewards(steward_client: Any, member_client: Any) -> None:
    record = TrainingRecordFactory()
    url = record.course.get_absolute_url()
    assert str(record.user) in steward_client.get(url).content.decode()
    assert str(record.user) not in member_client.get(url).content.decode()


def test_superuser_counts_as_steward(client: Any) -> None:
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("people:user_list")).status_code == 200


def test_ended_membership_no_longer_makes_a_steward(client: Any) -> None:
    user = UserFactory()
    MembershipFactory(
        user=user, role="hub_steward", starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1)
    )
    client.force_login(user)
    assert client.get(reverse("people:user_list")).status_code == 403
