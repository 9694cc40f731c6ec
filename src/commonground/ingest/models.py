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
    staging = models.CharField(
        max_length=64,
        blank=True,
        help_text="The staging folder of the ingest while it runs (crash recovery).",
    )
    row_counts = models.JSONField(default=dict, blank=True, help_text="Rows per canonical table.")
    report = models.JSONField(default=dict, blank=True, help_text="Summary, issues (capped), completeness.")
    batch_path = models.CharField(max_length=500, blank=True, help_text="Relative to the data folder.")
    delta_tables = models.JSONField(
        default=list,
        blank=True,
        help_text="Canonical tables carried as changes to the earlier roster (OneRoster delta, fixes), "
        "not as a whole roster; see dataplane.current_relation.",
    )
    quarantined_rows = models.PositiveIntegerField(
        default=0, help_text="Rows held back for row-level errors (accepted submissions only)."
    )
    fixes_for = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fixes",
        help_text="The submission whose quarantined rows this one corrects.",
    )

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


class IngestPolicy(models.Model):
    """When row-level errors quarantine rows instead of rejecting the whole submission.

    Structural errors (an unreadable file, a missing required column, an ambiguous header, a row that cannot
    be split into fields) always reject. Row-level errors (a bad date, an unknown reference, a duplicate key)
    reject only when one canonical table's bad rows exceed ``max_rows`` or ``max_percent`` of its rows;
    otherwise those rows are quarantined and the rest is published.

    The most specific policy wins: organization + system + table, then without the table, then without the
    system, then the hub-wide policy (no organization), then the settings
    ``COMMONGROUND_QUARANTINE_MAX_ROWS`` / ``COMMONGROUND_QUARANTINE_MAX_PERCENT``. ``table`` empty means
    every table. There is one policy per scope (``do_set_ingest_policy`` updates it in place).
    """

    organization = models.ForeignKey(
        "ecosystem.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ingest_policies",
        help_text="Empty: the hub-wide policy.",
    )
    system = models.ForeignKey(
        "ecosystem.InformationSystem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ingest_policies",
    )
    table = models.CharField(max_length=40, blank=True, help_text="A canonical table; empty for every table.")
    max_rows = models.PositiveIntegerField(
        help_text="At most this many quarantined rows per table (0: never)."
    )
    max_percent = models.DecimalField(
        max_digits=5, decimal_places=2, help_text="At most this share of a table's rows, in percent."
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "ingest policies"
        ordering = ["organization__slug", "system__name", "table"]

    def __str__(self) -> str:
        scope = "/".join(
            x
            for x in (getattr(self.organization, "slug", "hub"), getattr(self.system, "name", ""), self.table)
            if x
        )
        return f"{scope}: {self.max_rows} rows, {float(self.max_percent):g}%"
