"""The submissions manifest: what each partner sent, what was found, and whether it was published."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from commonground.ingest.choices import Semantics, SubmissionFormat, SubmissionStatus


class Submission(models.Model):
    """One delivery of files from an organization's system, and its fate.

    An accepted submission has one immutable Parquet batch per canonical table in the data plane; the row
    turning ``accepted`` (in the same transaction as its audit row) is what makes those batches visible.
    The fingerprint is unique per organization among accepted submissions, so the same files twice publish once.
    """

    organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="submissions"
    )
    system = models.ForeignKey(
        "ecosystem.InformationSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    dataset = models.CharField(max_length=200, blank=True, help_text="The canonical tables it carries.")
    format = models.CharField(max_length=20, choices=SubmissionFormat.choices)
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED, db_index=True
    )
    semantics = models.CharField(max_length=20, choices=Semantics.choices, default=Semantics.REPLACE)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True, help_text="When it was accepted or rejected.")
    fingerprint = models.CharField(max_length=64, db_index=True)
    row_counts = models.JSONField(default=dict, blank=True, help_text="Rows per canonical table.")
    report = models.JSONField(default=dict, blank=True, help_text="Summary, issues (capped), completeness.")
    batch_path = models.CharField(max_length=500, blank=True, help_text="Relative to the data folder.")

    #: Set (not stored) on the submission returned for a resubmission of already accepted files.
    is_duplicate = False

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "fingerprint"],
                condition=models.Q(status="accepted"),
                name="ingest_one_accepted_per_fingerprint",
            )
        ]

    def __str__(self) -> str:
        return f"Submission {self.pk} ({self.format}, {self.status})"


class SubmissionFile(models.Model):
    """One file of a submission, with its SHA-256 (what was received, byte for byte)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=500)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["submission", "name"]

    def __str__(self) -> str:
        return self.name


class SavedMapping(models.Model):
    """A tabular mapping (YAML) saved for one system's exports of one canonical table.

    Mappings are versioned by adding rows, never by editing one: the newest row for (system, table) is the one
    uploads use, and the older ones stay as the record of how earlier submissions were read.
    """

    organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="saved_mappings"
    )
    system = models.ForeignKey(
        "ecosystem.InformationSystem", on_delete=models.PROTECT, related_name="saved_mappings"
    )
    table = models.CharField(max_length=40, help_text="The canonical table the mapping fills.")
    name = models.CharField(max_length=200, help_text="A short name partners pick it by, e.g. 'roster'.")
    yaml_text = models.TextField(help_text="The mapping in the YAML format of docs/steward-guide.md.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["system", "name", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.table}, {self.created_at:%Y-%m-%d %H:%M})"


class SystemToken(models.Model):
    """A bearer token with which one information system pushes submissions through the API.

    Only the SHA-256 of the token is stored (the token is 32 random bytes, so a fast hash is enough); the
    token itself is shown once, when it is issued. ``prefix`` (its first characters) lets people tell tokens
    apart without revealing them.
    """

    system = models.ForeignKey("ecosystem.InformationSystem", on_delete=models.PROTECT, related_name="tokens")
    name = models.CharField(max_length=200, help_text="What uses it, e.g. 'nightly SIS export job'.")
    prefix = models.CharField(max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["system", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None
