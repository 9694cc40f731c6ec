"""Holds: a steward's stop on disclosures about a student, to or from an organization, or under an agreement.

A hold acts from ``placed_at`` until ``lifted_at``; the gate denies everything it covers (reason ``hold`` or
``student_hold``).  Uses: an open inspection request or complaint, a recipient barred under 34 CFR 99.33(e), an
agreement under review after a suspected breach.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HoldScope(models.TextChoices):
    """What a hold covers."""

    SUBJECT = "subject", _("One student")
    ORGANIZATION = "organization", _("An organization (as recipient or disclosing party)")
    AGREEMENT = "agreement", _("An agreement")


class Hold(models.Model):
    """A stop on disclosures, with who placed and lifted it and why."""

    scope = models.CharField(max_length=20, choices=HoldScope.choices)
    # Null unless the scope is a student; "" would make every other hold look like one on the same student.
    hub_person_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    organization = models.ForeignKey(
        "ecosystem.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreement = models.ForeignKey(
        "governance.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    reason = models.TextField()
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        scope="subject",
                        hub_person_id__isnull=False,
                        organization__isnull=True,
                        agreement__isnull=True,
                    )
                    | models.Q(
                        scope="organization",
                        hub_person_id__isnull=True,
                        organization__isnull=False,
                        agreement__isnull=True,
                    )
                    | models.Q(
                        scope="agreement",
                        hub_person_id__isnull=True,
                        organization__isnull=True,
                        agreement__isnull=False,
                    )
                ),
                name="hold_scope_matches_target",
            ),
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True) | models.Q(lifted_at__gte=models.F("placed_at")),
                name="hold_lifted_after_placed",
            ),
        ]

    def __str__(self) -> str:
        return f"Hold on {self.target_label()} from {self.placed_at:%Y-%m-%d}"

    def target_label(self) -> str:
        """What the hold covers, in words."""
        if self.scope == HoldScope.SUBJECT:
            return f"student {self.hub_person_id}"
        if self.scope == HoldScope.ORGANIZATION:
            return str(self.organization)
        return str(self.agreement)

    def is_active(self, at: dt.datetime) -> bool:
        """Placed by ``at`` and not lifted yet."""
        return self.placed_at <= at and (self.lifted_at is None or at < self.lifted_at)
