"""Directory information (34 CFR 99.37): what each district designates, and the families who opted out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from commonground.core.encrypted_fields import EncryptedTextField
from commonground.core.models import TimeStampedModel
from commonground.governance import elements as catalog
from commonground.governance.choices import Relationship


class DirectoryDesignationQuerySet(models.QuerySet["DirectoryDesignation"]):
    """Queries over designations."""

    def current(self, district: Any, on: dt.date) -> DirectoryDesignation | None:
        """The designation in effect for ``district`` on ``on`` (the latest that started), if any."""
        return (
            self.filter(district=district, effective_from__lte=on)
            .filter(models.Q(effective_until__isnull=True) | models.Q(effective_until__gte=on))
            .order_by("-effective_from", "-pk")
            .first()
        )


class DirectoryDesignation(TimeStampedModel):
    """The elements a district designated as directory information in its public notice (99.37(a))."""

    district = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="directory_designations"
    )
    elements = models.JSONField(help_text="Designated elements: table.column.")
    notice_published_on = models.DateField(help_text="When the district published the notice (99.37(a)).")
    notice_reference = models.CharField(
        max_length=300, help_text="Where the notice is: handbook page, web address."
    )
    opt_out_deadline = models.DateField(
        null=True, blank=True, help_text="The period parents have to opt out (99.37(a)(3))."
    )
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)

    objects = DirectoryDesignationQuerySet.as_manager()

    class Meta:
        ordering = ["district__name", "-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(effective_until__isnull=True)
                | models.Q(effective_until__gte=models.F("effective_from")),
                name="designation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Directory information of {self.district} from {self.effective_from:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("governance:designation_detail", args=[self.pk])

    def clean(self) -> None:
        try:
            self.elements = catalog.check(self.elements or [])
        except catalog.UnknownElementError as exc:
            raise ValidationError({"elements": str(exc)}) from None
        if not self.elements:
            raise ValidationError({"elements": "Designate at least one element."})
        ssn = [e for e in self.elements if e in catalog.SSN_LIKE]
        if ssn:
            raise ValidationError(
                {
                    "elements": f"{', '.join(ssn)} may hold a social security number or an identifier that opens "
                    "records, which is never directory information (34 CFR 99.3)."
                }
            )
        never = catalog.not_directory_eligible(self.elements)
        if never:
            raise ValidationError(
                {
                    "elements": f"{', '.join(never)} cannot be directory information: grades, attendance records, "
                    "discipline and test results are not (34 CFR 99.3)."
                }
            )


class DirectoryOptOut(TimeStampedModel):
    """A parent's (or eligible student's) refusal to let the district disclose directory information (99.37(a)(2))."""

    district = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="directory_opt_outs"
    )
    source_organization = models.ForeignKey(
        "ecosystem.Organization", on_delete=models.PROTECT, related_name="+"
    )
    source_person_id = models.CharField(max_length=64)
    student_name = EncryptedTextField(max_length=200)  # encrypted at rest, like every name the hub keeps
    # Null until the person registry links the record; "" would make unlinked students look alike.
    hub_person_id = models.CharField(max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001
    requested_by = EncryptedTextField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    received_on = models.DateField()
    elements = models.JSONField(default=list, blank=True, help_text="Empty: every directory element.")
    withdrawn_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]  # names are encrypted: the database cannot sort by them
        indexes = [models.Index(fields=["source_organization", "source_person_id"], name="optout_student")]

    def __str__(self) -> str:
        return f"Directory opt-out for {self.student_name} from {self.received_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("governance:optout_detail", args=[self.pk])

    def clean(self) -> None:
        try:
            self.elements = catalog.check(self.elements or [])
        except catalog.UnknownElementError as exc:
            raise ValidationError({"elements": str(exc)}) from None

    def applies_to(self, element: str, on: dt.date) -> bool:
        """True when the opt-out withholds ``element`` on ``on``."""
        if self.received_on > on or (self.withdrawn_on is not None and self.withdrawn_on <= on):
            return False
        return not self.elements or element in self.elements
