"""The person registry (control plane): hub person ids, the source records behind them, runs, history, reviews.

The registry holds no names or birth dates: a :class:`PersonRecord` is only (organization, source person id)
plus a keyed fingerprint of its matching fields, so "did this record change?" is one comparison.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from commonground.linkage.choices import EventKind, HubPersonStatus, ReviewStatus, RunKind


class LinkRun(models.Model):
    """One linkage run: who started it, the model it trained or reused, and what it decided.

    A full run stores its trained model (Splink's JSON); incremental runs score with the latest full run's.
    """

    kind = models.CharField(max_length=20, choices=RunKind.choices)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission = models.ForeignKey(
        "ingest.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="link_runs"
    )
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    upper = models.FloatField(help_text="Auto-link at or above this match probability.")
    lower = models.FloatField(help_text="Review from this match probability up to the upper threshold.")
    model = models.JSONField(default=dict, blank=True, help_text="The trained model (full runs).")
    checks = models.JSONField(default=list, blank=True, help_text="The model's checks, in plain words.")
    summary = models.JSONField(
        default=dict, blank=True, help_text="Counts: records, links, reviews, changes."
    )
    seconds = models.JSONField(default=dict, blank=True, help_text="Time per stage.")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} linkage run {self.pk}"


class HubPerson(models.Model):
    """One person as the hub knows them: a stable, never reused id that says nothing about the person.

    ``hub_id`` is ``HP-`` and 16 random base32 characters (80 bits from :mod:`secrets`). A merged hub person
    keeps its row (status ``merged``, ``merged_into`` set) so an old id still leads somewhere.
    """

    hub_id = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=20, choices=HubPersonStatus.choices, default=HubPersonStatus.ACTIVE, db_index=True
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    created_at = models.DateTimeField()
    created_by_run = models.ForeignKey(
        LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="created_people"
    )

    class Meta:
        ordering = ["hub_id"]
        verbose_name = "hub person"
        verbose_name_plural = "hub people"

    def __str__(self) -> str:
        return self.hub_id

    def get_absolute_url(self) -> str:
        """The registry page of this hub person."""
        return reverse("linkage:person", args=[self.hub_id])


class PersonRecord(models.Model):
    """One organization's record of a person (its own id for them), and the hub person it belongs to.

    ``fingerprint`` is an HMAC (keyed with the hub's secret key) of the record's normalised matching fields,
    never an unkeyed hash of personal data: it cannot be recomputed from a guessed name and birth date.
    """

    hub_person = models.ForeignKey(HubPerson, on_delete=models.PROTECT, related_name="records")
    organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="person_records"
    )
    source_person_id = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "source_person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source_person_id"], name="linkage_one_record_per_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization.slug}/{self.source_person_id}"


class RegistryEvent(models.Model):
    """The history of a hub person: created, records added or removed, merged, split — with who and why.

    ``other`` is the hub person on the other side of a merge (the one kept) or a split (the one split from).
    ``records`` lists the (organization slug, source person id) pairs the event moved.
    """

    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    hub_person = models.ForeignKey(HubPerson, on_delete=models.PROTECT, related_name="events")
    other = models.ForeignKey(
        HubPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="related_events"
    )
    records = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.hub_person.hub_id}: {self.get_kind_display()}"


class ReviewItem(models.Model):
    """A pair of records the model could not decide alone (between the thresholds), and a person's decision.

    ``record_a`` has the smaller primary key, so a pair has one row. ``contributions`` lists each comparison's
    level and its match weight in bits (the waterfall); ``prior_weight`` is the bar every pair starts from.
    A decision (accepted, rejected, unsure) overrides the model in every later run.
    """

    record_a = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(PersonRecord, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField()
    prior_weight = models.FloatField(default=0.0)
    contributions = models.JSONField(default=list, blank=True)
    model_note = models.CharField(
        max_length=200, blank=True, help_text="Why the model held it back, if it did."
    )
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    run = models.ForeignKey(LinkRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews")

    class Meta:
        ordering = ["-probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="linkage_one_review_per_pair"),
            models.CheckConstraint(
                condition=models.Q(record_a__lt=models.F("record_b")), name="linkage_review_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"Review {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        """The review page of this pair."""
        return reverse("linkage:review_item", args=[self.pk])
