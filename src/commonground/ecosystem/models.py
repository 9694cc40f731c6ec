"""Organizations, the information systems they already run, and the flows of data between those systems."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from commonground.core.models import TimeStampedModel
from commonground.ecosystem.choices import Frequency, OrganizationKind, SystemKind, TransferMethod


class Organization(TimeStampedModel):
    """A district, school, nonprofit, agency, city office, funder — or the hub itself."""

    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a school, its district.",
    )
    description = models.TextField(blank=True)
    neighborhood = models.CharField(max_length=100, blank=True)
    address = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    external_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The organization's id in its own systems (e.g. a NCES or state id).",
    )

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ecosystem:organization_detail", args=[self.slug])


class InformationSystem(TimeStampedModel):
    """A system an organization already runs: its SIS, program database, a spreadsheet..."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=200)
    vendor = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=SystemKind.choices)
    data_held = models.TextField(help_text="What data the system holds, in plain words.")
    export_formats = models.CharField(
        max_length=200, blank=True, help_text="What it can export, e.g. OneRoster 1.1 CSV, Ed-Fi XML, XLSX."
    )
    reporting_mandates = models.TextField(blank=True, help_text="Reports the organization must file from it.")
    legal_constraints = models.TextField(blank=True, help_text="Laws and contracts that govern its data.")
    technical_constraints = models.TextField(blank=True, help_text="What makes getting data out hard.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_system_name_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization.name})"

    def get_absolute_url(self) -> str:
        return reverse("ecosystem:system_detail", args=[self.pk])


class DataFlow(TimeStampedModel):
    """Data that moves from one system to another: what, how often, how, and under which agreement."""

    source = models.ForeignKey(InformationSystem, on_delete=models.PROTECT, related_name="outgoing_flows")
    target = models.ForeignKey(InformationSystem, on_delete=models.PROTECT, related_name="incoming_flows")
    what = models.CharField(max_length=300, help_text="The data that moves, in plain words.")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    method = models.CharField(max_length=20, choices=TransferMethod.choices, default=TransferMethod.UPLOAD)
    agreement_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="The agreement the flow runs under, as the partners name it (free text).",
    )
    agreement = models.ForeignKey(
        "governance.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="data_flows",
        help_text="The agreement in the register that the flow runs under.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["source__organization__name", "source__name", "target__name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="flow_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.source.name} → {self.target.name}: {self.what}"

    def get_absolute_url(self) -> str:
        return reverse("ecosystem:flow_detail", args=[self.pk])
