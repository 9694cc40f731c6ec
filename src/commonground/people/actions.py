"""Writes about people.  Each action is one transaction that writes its own audit row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from commonground.core import audit
from commonground.core.actions import create_audited
from commonground.ecosystem.models import Organization
from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User


@transaction.atomic
def do_create_user(
    *,
    acting_user: Any,
    username: str,
    password: str | None,
    email: str = "",
    display_name: str = "",
    is_staff: bool = False,
    **fields: Any,
) -> User:
    """Create a user; ``password=None`` leaves the account without a usable password."""
    user = User(username=username, email=email, display_name=display_name, is_staff=is_staff, **fields)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor=acting_user, action="people.create_user", obj=user, summary=f"Created user {username}")
    return user


@transaction.atomic
def do_deactivate_user(*, acting_user: Any, user: User, reason: str) -> User:
    """Stop a user from signing in; memberships stay for the record."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(
        actor=acting_user,
        action="people.deactivate_user",
        obj=user,
        summary=f"Deactivated user {user.username}",
        details={"reason": reason},
    )
    return user


@transaction.atomic
def do_add_membership(
    *,
    acting_user: Any,
    user: User,
    organization: Organization,
    role: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    title: str = "",
) -> Membership:
    """Give ``user`` a role within ``organization`` from ``starts_on``."""
    membership = Membership(
        user=user, organization=organization, role=role, starts_on=starts_on, ends_on=ends_on, title=title
    )
    return create_audited(
        membership,
        acting_user=acting_user,
        action="people.add_membership",
        summary=f"{user.username} became {membership.get_role_display()} at {organization.name}",
        details={"role": role, "organization": organization.slug},
    )


@transaction.atomic
def do_end_membership(
    *, acting_user: Any, membership: Membership, ends_on: dt.date, reason: str
) -> Membership:
    """End a membership on ``ends_on``."""
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save(update_fields=["ends_on", "updated_at"])
    audit.record(
        actor=acting_user,
        action="people.end_membership",
        obj=membership,
        summary=f"Ended {membership}",
        details={"ends_on": ends_on.isoformat(), "reason": reason},
    )
    return membership


@transaction.atomic
def do_create_course(
    *, acting_user: Any, slug: str, name: str, valid_for_days: int = 365, description: str = ""
) -> TrainingCourse:
    """Register a training course."""
    return create_audited(
        TrainingCourse(slug=slug, name=name, valid_for_days=valid_for_days, description=description),
        acting_user=acting_user,
        action="people.create_course",
        summary=f"Registered course {name}",
    )


@transaction.atomic
def do_record_training(
    *,
    acting_user: Any,
    user: User,
    course: TrainingCourse,
    completed_on: dt.date,
    expires_on: dt.date | None = None,
) -> TrainingRecord:
    """Record that ``user`` completed ``course``; it expires after the course's validity unless given."""
    expiry = expires_on or completed_on + dt.timedelta(days=course.valid_for_days)
    return create_audited(
        TrainingRecord(user=user, course=course, completed_on=completed_on, expires_on=expiry),
        acting_user=acting_user,
        action="people.record_training",
        summary=f"{user.username} completed {course.name}",
        details={"completed_on": completed_on.isoformat(), "expires_on": expiry.isoformat()},
    )
