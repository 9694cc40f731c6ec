"""Users, memberships (user × organization × role) and training records."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse

from commonground.core.models import TimeStampedModel
from commonground.people.choices import Role


class User(AbstractUser):
    """A person who signs in to the hub. What they may do comes from their memberships."""

    display_name = models.CharField(max_length=200, blank=True)
    preferred_language = models.CharField(
        max_length=8, default="en", choices=[("en", "English"), ("es", "Español")]
    )

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("people:user_detail", args=[self.pk])

    def active_memberships(self, on: dt.date | None = None) -> models.QuerySet[Membership]:
        """Memberships in force on ``on`` (today by default)."""
        return Membership.objects.active(on).filter(user=self)

    def has_role(self, role: str, on: dt.date | None = None) -> bool:
        """True when the user holds ``role`` in at least one organization on ``on``."""
        return self.active_memberships(on).filter(role=role).exists()


class MembershipQuerySet(models.QuerySet["Membership"]):
    """Queries over memberships."""

    def active(self, on: dt.date | None = None) -> MembershipQuerySet:
        """Memberships not ended and already started on ``on`` (today by default)."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(is_active=True, starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class Membership(TimeStampedModel):
    """A user's role within one organization, for a period."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(
        max_length=200, blank=True, help_text="Job title, e.g. Director of Data and Research."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__username", "organization__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    def get_absolute_url(self) -> str:
        return reverse("people:membership_detail", args=[self.pk])


class TrainingCourse(TimeStampedModel):
    """A course people must complete before they may see some data (principle 7)."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    valid_for_days = models.PositiveIntegerField(
        default=365, help_text="How long a completion stays current."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:course_detail", args=[self.slug])


class TrainingRecord(TimeStampedModel):
    """One completion of a course by a user, current until it expires."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="training_records")
    course = models.ForeignKey(TrainingCourse, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField()

    class Meta:
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("completed_on")),
                name="training_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.course} ({self.completed_on} to {self.expires_on})"

    def get_absolute_url(self) -> str:
        return reverse("people:training_detail", args=[self.pk])

    def is_current(self, on: dt.date) -> bool:
        """True when the completion covers the day ``on``."""
        return self.completed_on <= on < self.expires_on
