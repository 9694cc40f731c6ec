"""Written consent of a parent or eligible student (34 CFR 99.30), and its revocation.

There is deliberately no "opt-out" kind of consent: a record exists only for a signed and dated consent, so the
absence of an objection can never look like consent (opt-out applies to directory information only, 99.37).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from commonground.core.encrypted_fields import EncryptedTextField
from commonground.core.models import TimeStampedModel
from commonground.ecosystem.choices import OrganizationKind
from commonground.governance import elements as catalog
from commonground.governance.choices import (
    IdentityVerification,
    PurposeCategory,
    Relationship,
    SignatureMethod,
)


class Consent(TimeStampedModel):
    """One signed consent: who signed, for which student, which records, for what, to whom, until when.

    The student is identified by the record of the organization that holds it — ``(source_organization,
    source_person_id)`` — until the person registry fills ``hub_person_id``.
    """

    source_organization = models.ForeignKey(
        "ecosystem.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Whose record identifies the student.",
    )
    source_person_id = models.CharField(
        max_length=64, help_text="The student's id in that organization's records."
    )
    student_name = EncryptedTextField(max_length=200)  # encrypted at rest, like every name the hub keeps
    # Null until the person registry links the record; "" would make unlinked students look alike.
    hub_person_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    collected_by = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="collected_consents"
    )

    signer_name = EncryptedTextField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    elements = models.JSONField(help_text="The records that may be disclosed (99.30(b)(1)): table.column.")
    purpose = models.TextField(help_text="The purpose, as the form states it (99.30(b)(2)).")
    purpose_category = models.CharField(max_length=30, choices=PurposeCategory.choices)
    recipients = models.ManyToManyField(
        "ecosystem.Organization", blank=True, related_name="consents_received"
    )
    recipient_class = models.CharField(
        max_length=20,
        choices=OrganizationKind.choices,
        blank=True,
        help_text="A class of recipients (99.30(b)(3)): every organization of this kind in the hub.",
    )

    signed_on = models.DateField()
    signature_method = models.CharField(max_length=20, choices=SignatureMethod.choices)
    form_reference = models.CharField(
        max_length=200, blank=True, help_text="Where the signed paper form is kept (scan id, binder, page)."
    )
    verification_method = models.CharField(max_length=30, choices=IdentityVerification.choices, blank=True)
    verified_identity = EncryptedTextField(
        max_length=200,
        blank=True,
        help_text="Electronic: the authenticated account or document that identified the signer.",
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_on = models.DateField(null=True, blank=True)

    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_requested_by = EncryptedTextField(max_length=200, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]  # names are encrypted: the database cannot sort by them
        indexes = [models.Index(fields=["source_organization", "source_person_id"], name="consent_student")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True) | models.Q(expires_on__gt=models.F("signed_on")),
                name="consent_expires_after_signature",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent for {self.student_name}, signed {self.signed_on:%Y-%m-%d} by {self.signer_name}"

    def get_absolute_url(self) -> str:
        return reverse("governance:consent_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            self.elements = catalog.check(self.elements or [])
        except catalog.UnknownElementError as exc:
            errors["elements"] = str(exc)
        if not self.elements and "elements" not in errors:
            errors["elements"] = "Name the records that may be disclosed (34 CFR 99.30(b)(1))."
        if not (self.purpose or "").strip():
            errors["purpose"] = "State the purpose (34 CFR 99.30(b)(2))."
        if self.signature_method == SignatureMethod.PAPER and not self.form_reference.strip():
            errors["form_reference"] = "Say where the signed paper form is kept."
        if self.signature_method == SignatureMethod.ELECTRONIC:
            if not self.verification_method:
                errors["verification_method"] = (
                    "An electronic consent must identify and authenticate the signer (34 CFR 99.30(d))."
                )
            if not self.verified_identity.strip():
                errors["verified_identity"] = (
                    "Record the authenticated identity of the signer (34 CFR 99.30(d))."
                )
            if self.verified_at is None:
                errors["verified_at"] = "Record when the signer's identity was verified."
        if errors:
            raise ValidationError(errors)

    @property
    def is_revoked(self) -> bool:
        """True once revoked (revocation takes effect immediately)."""
        return self.revoked_at is not None

    def is_valid_at(self, at: dt.datetime) -> bool:
        """Signed on or before ``at``'s day, not expired, and not revoked at ``at``."""
        day = timezone.localdate(at)
        if self.signed_on > day:
            return False
        if self.expires_on is not None and day > self.expires_on:
            return False
        return self.revoked_at is None or at < self.revoked_at

    def names_recipient(self, recipient: Any) -> bool:
        """True when ``recipient`` (an organization) is named, or belongs to the named class of recipients."""
        if self.recipient_class and getattr(recipient, "kind", None) == self.recipient_class:
            return True
        return self.recipients.filter(pk=recipient.pk).exists()

    def covers(self, element: str, recipient: Any, purpose: str, at: dt.datetime) -> bool:
        """True when this consent allows disclosing ``element`` to ``recipient`` for ``purpose`` at ``at``.

        ``purpose`` is a purpose category; every condition must hold (99.30(b): records, purpose, recipient).
        """
        if not self.is_valid_at(at):
            return False
        if element not in self.elements:
            return False
        if purpose != self.purpose_category:
            return False
        return self.names_recipient(recipient)

    def status_label(self, at: dt.datetime) -> str:
        """ "Active", "Revoked", "Expired" or "Not yet signed" at ``at``."""
        if self.revoked_at is not None and self.revoked_at <= at:
            return "Revoked"
        if self.expires_on is not None and timezone.localdate(at) > self.expires_on:
            return "Expired"
        if self.signed_on > timezone.localdate(at):
            return "Not yet in effect"
        return "Active"
