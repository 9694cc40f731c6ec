"""Shared abstract models and the audit trail written by every action."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    """Adds creation and last-change timestamps (timezone-aware) to a model."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One row per action (``do_*``) or disclosure, written inside its own transaction, hash-chained.

    ``seq`` numbers the entries 1, 2, 3 … with no gap; ``entry_hash`` commits to the entry's fields and to
    ``prev_hash``, the previous entry's hash (see :mod:`commonground.core.chain`), so any edit, deletion,
    insertion or reordering is detected by ``commonground audit verify``.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="Who acted, kept even if the user is removed.")
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    seq = models.PositiveBigIntegerField(
        unique=True, help_text="Position in the chain: 1, 2, 3 … without gaps."
    )
    prev_hash = models.CharField(
        max_length=64, help_text="The previous entry's hash (64 zeros for the first)."
    )
    entry_hash = models.CharField(max_length=64, help_text="SHA-256 over prev_hash and this entry's fields.")

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label}: {self.summary}"


class AuditChainHead(models.Model):
    """The chain's head: its length and last hash, one row, locked by every append so appends stay in order."""

    size = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain: {self.size} entries, head {self.head_hash[:12]}…"


class AuditCheckpoint(models.Model):
    """A signed statement "the log had ``size`` entries ending in ``head_hash``" (and, when computed, its Merkle root).

    Signed with the Ed25519 key kept outside the database (:mod:`commonground.core.signing`): rewriting the
    database cannot produce a valid checkpoint, and a log shorter than a checkpoint's size is a truncation.
    """

    size = models.PositiveBigIntegerField()
    head_hash = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64, blank=True, help_text="RFC 6962 tree head, when computed.")
    at = models.DateTimeField()
    public_key = models.CharField(max_length=64, help_text="The signer's raw Ed25519 public key, hex.")
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"checkpoint at {self.size} ({self.at:%Y-%m-%d %H:%M})"
