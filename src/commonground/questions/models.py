"""The question catalog and its releases (control plane).

A :class:`Question` is what a leader asks in plain words, with the action it informs, the indicators and
breakdowns that answer it and where it stands in governance review. A :class:`Release` is one published answer:
immutable, versioned per question, with its provenance and the tidy CSV exactly as it was published.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from commonground.questions.choices import REVIEWED_OK, Audience, Cadence, QuestionStatus


class Question(models.Model):
    """A question leaders ask, the action it informs, and how the hub answers it.

    ``indicators`` is a list of indicator ids of the library, ``breakdowns`` a list of breakdown sets (each a
    list of dimensions; ``[]`` is the overall total) and ``params`` maps an indicator id to its parameters. Every
    indicator runs for every breakdown set. ``version`` goes up by one on every edit, and each release records
    the version (and wording) it answered.
    """

    slug = models.SlugField(max_length=80, unique=True, help_text="Short name used in links and the CLI.")
    wording = models.TextField(help_text="The question in plain language.")
    owner = models.ForeignKey("ecosystem.Organization", on_delete=models.PROTECT, related_name="questions")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.LEADERS)
    action = models.TextField(help_text="The decision or action the answer informs.")
    action_taker = models.CharField(max_length=200, help_text="Who takes that action.")
    indicators = models.JSONField(default=list, help_text="Indicator ids of the library.")
    breakdowns = models.JSONField(default=list, help_text="Breakdown sets, e.g. [['school'], ['grade']].")
    params = models.JSONField(default=dict, blank=True, help_text="Indicator id → its parameters.")
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.ANNUAL)
    status = models.CharField(
        max_length=20, choices=QuestionStatus.choices, default=QuestionStatus.PROPOSED, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="questions_proposed"
    )
    proposed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="The reviewer's note; the reason when declined.")
    retired_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.wording

    def get_absolute_url(self) -> str:
        """The question's page in the catalog."""
        return reverse("questions:detail", args=[self.slug])

    @property
    def approved_by(self) -> Any:
        """The steward whose governance review approved the question (None while proposed or when declined)."""
        return self.reviewed_by if self.status in REVIEWED_OK else None

    def latest_release(self) -> Release | None:
        """The newest release, if any."""
        return self.releases.order_by("-version").first()


class ReleaseImmutableError(RuntimeError):
    """Something tried to change or delete a published release; a correction is a new release instead."""


class ReleaseQuerySet(models.QuerySet["Release"]):
    """Releases cannot be changed in bulk either."""

    def update(self, **kwargs: Any) -> int:
        """Refused: releases are immutable."""
        raise ReleaseImmutableError("releases are never edited; publish a new release instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        """Refused: releases are immutable."""
        raise ReleaseImmutableError("releases are never deleted; they are the record of what was published")


class Release(models.Model):
    """One published answer to a question: immutable, numbered per question, with provenance and its CSV.

    ``provenance`` holds the question version and wording, the indicators with their versions and resolved
    parameters, the breakdown sets, the submissions read (id, organization, dataset, file hashes, decided_at),
    the suppression summary of each table, the earlier releases the audit checked against, and the engine
    versions. ``csv_text`` is the tidy table exactly as published; ``sha256`` its hash (UTF-8 bytes).
    """

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="releases")
    version = models.PositiveIntegerField()
    question_version = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    min_cell = models.PositiveSmallIntegerField()
    provenance = models.JSONField(default=dict)
    csv_text = models.TextField()
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    suppressed_rows = models.PositiveIntegerField(default=0)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["question", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["question", "version"], name="questions_one_release_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.question.slug} release {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert once; any later save is refused (a release is never edited)."""
        if not self._state.adding:
            raise ReleaseImmutableError(f"{self} is published and cannot be changed; publish a new release")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The release's page: its table and provenance."""
        return reverse("questions:release", args=[self.question.slug, self.version])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: a release is the record of what was published."""
        raise ReleaseImmutableError(f"{self} is published and cannot be deleted")

    def csv_url(self) -> str:
        """Where the tidy CSV is downloaded."""
        return reverse("questions:release_csv", args=[self.question.slug, self.version])
