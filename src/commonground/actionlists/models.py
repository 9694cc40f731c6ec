"""Data requests: a partner asks for a new element, population or question; the hub steward and the disclosing
organization's approver review it; the steward then drafts an amended agreement or declines with a reason."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from commonground.actionlists.choices import RequestKind, RequestStatus, RequestStep
from commonground.core.models import TimeStampedModel


class DataRequest(TimeStampedModel):
    """A partner's request for more data than its agreements allow, with both reviewers' approvals."""

    requester = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="data_requests")
    requesting_organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="data_requests_made"
    )
    disclosing_organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="data_requests_received"
    )
    agreement = models.ForeignKey(
        "governance.Agreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        help_text="The agreement the request would amend.",
    )
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    elements = models.JSONField(default=list, blank=True, help_text="Requested elements: table.column.")
    population = models.TextField(blank=True, help_text="The wider population asked for, in plain words.")
    question = models.TextField(blank=True, help_text="The question the data would answer.")
    reason = models.TextField(help_text="Why the partner needs it: the action it informs.")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    steward_approved_by = models.ForeignKey(
        "people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    steward_approved_at = models.DateTimeField(null=True, blank=True)
    owner_approved_by = models.ForeignKey(
        "people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_approved_at = models.DateTimeField(null=True, blank=True)
    amendment = models.ForeignKey(
        "governance.Agreement", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decline_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Data request {self.pk} ({self.get_kind_display().lower()})"

    def get_absolute_url(self) -> str:
        """The request's page."""
        return reverse("actionlists:request_detail", args=[self.pk])


class DataRequestEvent(models.Model):
    """One step of a request's history: who did what, when, with what note."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        "people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step = models.CharField(max_length=20, choices=RequestStep.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} at {self.at:%Y-%m-%d %H:%M}"
