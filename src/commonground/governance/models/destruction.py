"""Certificates of destruction: what the hub destroyed, how, who did it and how it was verified, signed.

A certificate is written by :mod:`commonground.governance.destruction` in the transaction that destroys the data,
and never changed. ``body`` holds the NIST SP 800-88 Rev. 1 Appendix G fields and the verification counts;
``signature`` is the hub's Ed25519 signature (the audit key, kept outside the database) over the body's
canonical JSON, whose SHA-256 is also written into the audit chain — so an edit of the row is caught twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DestructionKind(models.TextChoices):
    """Why the data was destroyed."""

    AGREEMENT = "agreement", _("An agreement ended")
    STUDENT = "student", _("A lawful request about one student")


class DestructionCertificate(models.Model):
    """A signed certificate of destruction (NIST SP 800-88 Rev. 1 Appendix G), one per destruction."""

    certificate_id = models.CharField(
        max_length=32, unique=True, help_text="Also the destruction ledger's id."
    )
    kind = models.CharField(max_length=20, choices=DestructionKind.choices)
    agreement = models.ForeignKey(
        "governance.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_reference = models.CharField(max_length=64, blank=True, help_text="Kept if the agreement goes.")
    hub_person_id = models.CharField(
        max_length=64, blank=True, help_text="The student, for a lawful request."
    )
    issued_at = models.DateTimeField(db_index=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    performed_by_label = models.CharField(max_length=200)
    body = models.JSONField(help_text="The certificate's fields, exactly as signed.")
    body_sha256 = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64, help_text="The signer's raw Ed25519 public key, hex.")
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        what = self.agreement_reference or self.hub_person_id
        return f"Certificate of destruction {self.certificate_id[:8]} ({what})"

    def get_absolute_url(self) -> str:
        """The certificate's page."""
        return reverse("governance:destruction_certificate", args=[self.certificate_id])
