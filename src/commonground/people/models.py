"""Users, memberships (user × organization × role) and training records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

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
        if getattr(self, _ROLES_MEMO, None) is not None:
            return any(r == role for _org, r in self.active_roles(on))
        return self.active_memberships(on).filter(role=role).exists()

    def active_roles(self, on: dt.date | None = None) -> tuple[tuple[int, str], ...]:
        """``(organization id, role)`` of every membership in force on ``on`` (today by default), sorted.

        One query; for the user object a request signed in (:func:`remember_roles_for_request`) asked once per
        day and request and shared by every permission helper, so the navigation's four questions, the second
        factor's and the page's own cost one query together."""
        day = on or timezone.localdate()
        memo: dict[dt.date, tuple[tuple[int, str], ...]] | None = getattr(self, _ROLES_MEMO, None)
        if memo is not None and day in memo:
            return memo[day]
        # The conditions of MembershipQuerySet.active, as one plain query: the ORM took longer to build it than
        # the database to answer it, and every page asks.
        table = connection.ops.quote_name(Membership._meta.db_table)
        on_day = connection.ops.adapt_datefield_value(day)
        sql = (
            f"SELECT organization_id, role FROM {table} WHERE user_id = %s AND is_active = %s "  # noqa: S608 - table name from the model
            "AND starts_on <= %s AND (ends_on IS NULL OR ends_on >= %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.pk, True, on_day, on_day])
            roles = tuple(sorted((org, role) for org, role in cursor.fetchall()))
        if memo is not None:
            memo[day] = roles
        return roles

    def organizations_as(self, roles: Iterable[str], on: dt.date | None = None) -> list[int]:
        """Ids of the organizations where the user holds one of ``roles`` on ``on``, each once, in the order of
        :meth:`active_roles`."""
        wanted = set(roles)
        return list(dict.fromkeys(org for org, role in self.active_roles(on) if role in wanted))


#: Attribute of a request's user holding its memberships per day, for that request only.
_ROLES_MEMO = "_commonground_roles_memo"


def remember_roles_for_request(user: object) -> None:
    """Let ``user`` — the object a request's authentication built, which lives for that request only — keep its
    memberships for the rest of the request.  Never applied to a user object that outlives a request: a
    membership revoked or ended must act on the very next request, which builds a new user object."""
    if isinstance(user, User) and getattr(user, _ROLES_MEMO, None) is None:
        setattr(user, _ROLES_MEMO, {})


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
