"""The record of disclosures (34 CFR 99.32): one row per student per disclosure, kept as long as the student's record.

Rows are written only by :func:`commonground.governance.gate.disclose` (one ``bulk_create`` per request, inside the
request's transaction) and never changed.  They outlive the agreement and the disclosed copy: the agreement and
consent links are ``SET_NULL`` with a copy of their reference, so destroying or deleting either leaves the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureBasis(models.TextChoices):
    """The basis a disclosure took: an agreement's legal basis, or an organization reading its own records."""

    CONSENT = "consent", _("Written consent (34 CFR 99.30)")
    SCHOOL_OFFICIAL = "school_official", _("School official (34 CFR 99.31(a)(1)(i)(B))")
    STUDIES = "studies", _("Studies (34 CFR 99.31(a)(6))")
    AUDIT_EVALUATION = "audit_evaluation", _("Audit or evaluation (34 CFR 99.31(a)(3), 99.35)")
    DIRECTORY = "directory", _("Directory information (34 CFR 99.37)")
    OWN_RECORDS = "own_records", _("The organization's own records (not a disclosure)")
    FAMILY_ACCESS = "family_access", _("The family's own inspection (34 CFR 99.10)")


class DisclosureRoute(models.TextChoices):
    """How the data left the hub."""

    VIEW = "view", _("Web page")
    EXPORT = "export", _("Export")
    API = "api", _("API")
    CLI = "cli", _("Command line")


class DisclosureRecord(models.Model):
    """One student's data disclosed to one person: who got which elements, on which basis, for what, when, how."""

    hub_person_id = models.CharField(max_length=64, db_index=True, help_text="The student's hub id.")
    recipient_organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="+"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_label = models.CharField(
        max_length=200, help_text="Who received it, kept even if the user goes."
    )
    recipient_role = models.CharField(max_length=20, blank=True)
    purpose = models.CharField(max_length=30, help_text="The purpose category of the request.")
    legitimate_interest = models.TextField(blank=True, help_text="The agreement's purpose in plain words.")
    basis = models.CharField(max_length=20, choices=DisclosureBasis.choices)
    agreement = models.ForeignKey(
        "governance.Agreement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_reference = models.CharField(max_length=64, blank=True)
    consent = models.ForeignKey(
        "governance.Consent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_reference = models.CharField(max_length=64, blank=True)
    elements = models.JSONField(help_text="The elements disclosed: table.column.")
    at = models.DateTimeField(db_index=True)
    route = models.CharField(max_length=10, choices=DisclosureRoute.choices)
    route_path = models.CharField(
        max_length=300, blank=True, help_text="The page, export, API path or command."
    )
    redisclosure_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="redisclosures"
    )
    required_by_law = models.BooleanField(
        default=True, help_text="False for disclosures 34 CFR 99.32(d) exempts (recorded anyway)."
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["recipient_organization", "at"], name="disclosure_org_at")]

    def __str__(self) -> str:
        return f"{self.hub_person_id} to {self.recipient_label} ({self.basis}) at {self.at:%Y-%m-%d %H:%M}"
