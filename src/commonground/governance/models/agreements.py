"""Written agreements: parties, signatories, the terms the gate reads, and the versions of those terms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from commonground.core.models import TimeStampedModel
from commonground.governance import elements as catalog
from commonground.governance.choices import (
    AgreementStatus,
    GoverningLaw,
    LegalBasis,
    PartyRole,
    PopulationKind,
    PurposeCategory,
    StudyAim,
)
from commonground.people.choices import Role


class AgreementQuerySet(models.QuerySet["Agreement"]):
    """Queries over agreements."""

    def in_force(self, at: dt.datetime) -> AgreementQuerySet:
        """Agreements that were active at ``at``: activated before it, not yet ended, within their term."""
        day = timezone.localdate(at)
        return self.filter(activated_at__lte=at, starts_on__lte=day, ends_on__gte=day).filter(
            models.Q(ended_at__isnull=True) | models.Q(ended_at__gt=at)
        )

    def with_party(self, organization: Any, role: str | None = None) -> AgreementQuerySet:
        """Agreements where ``organization`` is a party (in ``role`` when given)."""
        parties = AgreementParty.objects.filter(organization=organization)
        if role is not None:
            parties = parties.filter(role=role)
        return self.filter(pk__in=parties.values("agreement_id"))


class Agreement(TimeStampedModel):
    """A written agreement: who discloses what to whom, on which legal basis, for which purpose, until when.

    Lists (elements, recipient roles, extra clauses) are JSON so the gate reads them in one query; elements are
    ``table.column`` strings checked against the canonical model.
    """

    reference = models.CharField(max_length=64, unique=True, help_text="e.g. DSA-2025-004.")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT)
    version = models.PositiveIntegerField(default=0, help_text="The latest version number (0 while a draft).")
    organizations = models.ManyToManyField(
        "ecosystem.Organization", through="AgreementParty", related_name="agreements"
    )

    # Purpose and basis
    purpose_category = models.CharField(max_length=30, choices=PurposeCategory.choices)
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    purpose = models.TextField(blank=True, help_text="What the data is for, in plain words.")
    study_aim = models.CharField(max_length=30, choices=StudyAim.choices, blank=True)
    evaluated_program = models.CharField(
        max_length=300, blank=True, help_text="Audit or evaluation: the Federal- or State-supported program."
    )
    activity_description = models.TextField(
        blank=True,
        help_text="Audit or evaluation: the activity and how the data will be used (99.35(a)(3)(ii)(C)).",
    )
    institutional_function = models.TextField(
        blank=True,
        help_text="School official: the service the district would otherwise do with its own staff.",
    )
    direct_control = models.TextField(
        blank=True,
        help_text="School official: how the district directly controls use and upkeep of the records.",
    )
    annual_notice_criteria = models.TextField(
        blank=True, help_text="School official: the annual notification's criteria the recipient meets."
    )
    consent_form = models.TextField(
        blank=True, help_text="Consent: the form (and version) that collects signed and dated consent."
    )

    # The data and who it is about
    elements = models.JSONField(default=list, blank=True, help_text="Permitted elements: table.column.")
    governing_laws = models.JSONField(
        default=dict, blank=True, help_text="The law governing each dataset: {table: law}."
    )
    population_kind = models.CharField(max_length=20, choices=PopulationKind.choices, blank=True)
    population_schools = models.ManyToManyField(
        "ecosystem.Organization", blank=True, related_name="+", help_text="For students at named schools."
    )
    population_program_organization = models.ForeignKey(
        "ecosystem.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    population_program = models.CharField(
        max_length=200, blank=True, help_text="The program's name (empty: every program of the organization)."
    )

    # Who may see it, for how long, and what follows
    recipient_roles = models.JSONField(default=list, blank=True, help_text="Roles of the recipient's staff.")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    destruction_deadline = models.DateField(null=True, blank=True)
    destruction_method = models.TextField(blank=True)
    redisclosure_terms = models.TextField(blank=True)
    limits_use_to_purpose = models.BooleanField(default=False)
    restricts_identification = models.BooleanField(default=False)
    designates_authorized_representative = models.BooleanField(default=False)
    protection_policies = models.TextField(blank=True)
    deidentification_method = models.TextField(blank=True)
    required_training = models.ManyToManyField("people.TrainingCourse", blank=True, related_name="agreements")
    extra_clauses = models.JSONField(
        default=list, blank=True, help_text="State-law and other clauses: [{title, text, source}]."
    )

    # Lifecycle record
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it expired or was terminated.")
    end_reason = models.TextField(blank=True)
    destroyed_on = models.DateField(null=True, blank=True)
    destruction_certified_by = models.CharField(max_length=200, blank=True)
    pathfinder_answers = models.JSONField(default=dict, blank=True, help_text="Answers it was drafted from.")

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("governance:agreement_detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            self.elements = catalog.check(self.elements or [])
        except catalog.UnknownElementError as exc:
            errors.setdefault("elements", []).append(str(exc))
        bad_roles = [r for r in self.recipient_roles or [] if r not in Role.values]
        if bad_roles:
            errors.setdefault("recipient_roles", []).append(
                f"unknown roles: {', '.join(map(str, bad_roles))}"
            )
        for table, law in (self.governing_laws or {}).items():
            if table not in catalog.tables(catalog.ELEMENTS):
                errors.setdefault("governing_laws", []).append(f"unknown dataset {table!r}")
            elif law not in GoverningLaw.values:
                errors.setdefault("governing_laws", []).append(f"unknown law {law!r} for {table}")
        for clause in self.extra_clauses or []:
            if not isinstance(clause, dict) or not str(clause.get("title", "")).strip():
                errors.setdefault("extra_clauses", []).append("every clause needs a title")
        if self.destruction_deadline and self.ends_on and self.destruction_deadline < self.ends_on:
            errors.setdefault("destruction_deadline", []).append(
                "The deadline must fall on or after the end date."
            )
        if self.population_kind == PopulationKind.PROGRAM and self.population_program_organization_id is None:
            errors.setdefault("population_program_organization", []).append(
                "Name the program's organization."
            )
        if errors:
            raise ValidationError(errors)

    def parties_in(self, role: str) -> list[Any]:
        """The organizations that take part in ``role`` (disclosing, recipient or hub)."""
        return [p.organization for p in self.parties.select_related("organization") if p.role == role]

    def is_in_force(self, at: dt.datetime) -> bool:
        """True when the agreement was active at ``at`` (see :meth:`AgreementQuerySet.in_force`)."""
        if self.activated_at is None or self.activated_at > at:
            return False
        if self.ended_at is not None and self.ended_at <= at:
            return False
        if self.starts_on is None or self.ends_on is None:
            return False
        return self.starts_on <= timezone.localdate(at) <= self.ends_on


class AgreementParty(models.Model):
    """An organization's part in an agreement: disclosing, recipient, or the hub."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey("ecosystem.Organization", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=PartyRole.choices)

    class Meta:
        ordering = ["role", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organization", "role"], name="unique_agreement_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class Signatory(models.Model):
    """A decision maker who signs the agreement for an organization (principle 1)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, help_text="e.g. Superintendent, Executive Director.")
    organization = models.ForeignKey("ecosystem.Organization", on_delete=models.PROTECT, related_name="+")
    signed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["organization__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.title}, {self.organization}"


class AgreementVersion(models.Model):
    """A frozen copy of an agreement's terms: one per change after the draft stage."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    snapshot = models.JSONField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("governance:agreement_version", args=[self.agreement_id, self.number])
