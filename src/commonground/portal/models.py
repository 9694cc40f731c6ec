"""The family portal's records: invitations, verified family links to a child, and inspection/amendment requests.

Children are named by ``hub_person_id`` (the person registry's id), never by a name: the portal learns who a child
is only through an invitation issued by a school or partner that already knows the family.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from commonground.core.models import TimeStampedModel
from commonground.governance.choices import Relationship
from commonground.portal.choices import RequestKind, RequestStatus

#: FERPA gives an agency 45 days to let a parent inspect records (34 CFR 99.10(b)).
INSPECTION_DAYS = 45
#: Wrong birth dates an invitation tolerates before it is locked (a new one must be issued).
MAX_FAILURES = 5


class Invitation(TimeStampedModel):
    """A one-time code a school or partner gives a family, bound to one child; only its keyed hash is stored."""

    code_hash = models.CharField(max_length=64, unique=True)
    hub_person_id = models.CharField(max_length=64, db_index=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    issued_by = models.ForeignKey("ecosystem.Organization", on_delete=models.PROTECT, related_name="+")
    issued_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invitation for {self.hub_person_id} from {self.issued_by}"

    def usable(self, at: dt.datetime) -> bool:
        """Not used, not expired, not locked by too many wrong birth dates."""
        return self.used_at is None and at < self.expires_at and self.failed_attempts < MAX_FAILURES


class FamilyLink(TimeStampedModel):
    """A verified link between a portal user and one child: the only child whose records the user may see (99.12)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_links")
    hub_person_id = models.CharField(max_length=64, db_index=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    verified_at = models.DateTimeField()
    verified_by = models.CharField(max_length=200, help_text="How the identity was verified.")
    invitation = models.OneToOneField(Invitation, null=True, on_delete=models.SET_NULL, related_name="link")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "hub_person_id"], name="one_link_per_user_and_child")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.hub_person_id} ({self.relationship})"


class VerificationAttempt(models.Model):
    """One try at the code + birth date form, kept to rate-limit guessing from one address."""

    at = models.DateTimeField(db_index=True)
    client = models.CharField(max_length=64, db_index=True, help_text="A keyed hash of the client address.")
    succeeded = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.succeeded else 'failed'}"


class FamilyRequest(TimeStampedModel):
    """A request to inspect or amend a child's records, with the 45-day clock stewards see."""

    link = models.ForeignKey(FamilyLink, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    details = models.TextField(help_text="What the family asks for, in their words.")
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    due_on = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — due {self.due_on}"

    def days_left(self, today: dt.date) -> int:
        """Days until the deadline (negative when late)."""
        return (self.due_on - today).days
