"""The training an agreement requires, and who lacks it (principle 7).  The gate checks the same thing per access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from commonground.governance.choices import PartyRole
from commonground.governance.models import Agreement
from commonground.people.models import Membership, TrainingCourse, TrainingRecord


@dataclass(frozen=True)
class TrainingGap:
    """A course an agreement requires that the user has never completed, or whose completion has expired."""

    agreement: Agreement
    course: TrainingCourse
    organization: Any
    expired_on: dt.date | None  # None: never completed

    @property
    def status(self) -> str:
        """ "missing" or "expired"."""
        return "missing" if self.expired_on is None else "expired"


def current_courses(user: Any, on: dt.date) -> set[int]:
    """Ids of the courses ``user`` holds a current completion of on ``on``."""
    return set(
        TrainingRecord.objects.filter(user=user, completed_on__lte=on, expires_on__gt=on).values_list(
            "course_id", flat=True
        )
    )


def training_gaps(user: Any, at: dt.datetime | None = None) -> list[TrainingGap]:
    """For each agreement in force at ``at`` (now by default) whose recipient is one of ``user``'s organizations
    and whose recipient roles include the user's role there: each required course the user lacks or let expire."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    memberships = list(Membership.objects.active(day).filter(user=user).select_related("organization"))
    if not memberships:
        return []
    current = current_courses(user, day)
    latest_expiry: dict[int, dt.date] = {}
    for record in TrainingRecord.objects.filter(user=user).order_by("expires_on"):
        latest_expiry[record.course_id] = record.expires_on
    gaps: list[TrainingGap] = []
    seen: set[tuple[int, int]] = set()
    agreements = Agreement.objects.in_force(at).prefetch_related("required_training", "parties")
    for agreement in agreements:
        recipients = {p.organization_id for p in agreement.parties.all() if p.role == PartyRole.RECIPIENT}
        for membership in memberships:
            if (
                membership.organization_id not in recipients
                or membership.role not in agreement.recipient_roles
            ):
                continue
            for course in agreement.required_training.all():
                if course.pk in current or (agreement.pk, course.pk) in seen:
                    continue
                seen.add((agreement.pk, course.pk))
                gaps.append(
                    TrainingGap(agreement, course, membership.organization, latest_expiry.get(course.pk))
                )
    return gaps
