"""factory_boy factories shared by every test package.  They write directly; actions are tested elsewhere."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from commonground.ecosystem.models import DataFlow, InformationSystem, Organization
from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User

PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = "nonprofit"


class InformationSystemFactory(DjangoModelFactory):
    class Meta:
        model = InformationSystem

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"System {n}")
    kind = "program"
    data_held = "Program attendance"


class DataFlowFactory(DjangoModelFactory):
    class Meta:
        model = DataFlow

    source = factory.SubFactory(InformationSystemFactory)
    target = factory.SubFactory(InformationSystemFactory)
    what = factory.Sequence(lambda n: f"Attendance extract {n}")
    frequency = "weekly"
    method = "upload"
    agreement_reference = "DSA-2025-01"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "data_lead"
    title = "Data lead"
    starts_on = dt.date(2020, 1, 1)


class TrainingCourseFactory(DjangoModelFactory):
    class Meta:
        model = TrainingCourse

    slug = factory.Sequence(lambda n: f"course-{n}")
    name = factory.Sequence(lambda n: f"Course {n}")
    valid_for_days = 365


class TrainingRecordFactory(DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    user = factory.SubFactory(UserFactory)
    course = factory.SubFactory(TrainingCourseFactory)
    completed_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))  # noqa: DTZ011
    expires_on = factory.LazyAttribute(lambda r: r.completed_on + dt.timedelta(days=365))


def make_user_with_role(role: str, organization: Organization | None = None, **user_fields: object) -> User:
    """A user holding ``role`` in ``organization`` (a new one when not given) since 2020."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization or OrganizationFactory(), role=role)
    return user
