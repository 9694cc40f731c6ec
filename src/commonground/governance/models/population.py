"""The gate's index of who is in which population: records, schools and programs per hub person.

Rebuilt from the person registry and the data plane by
:func:`commonground.governance.population.do_refresh_population`, so the gate answers from the control plane
in one query instead of reading student-level files on every request.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PopulationFactKind(models.TextChoices):
    """What a fact says about a person."""

    RECORD = "record", _("An organization holds a record of the person")
    SCHOOL = "school", _("Enrolled at a school")
    PROGRAM = "program", _("Takes part in a program")


class PopulationFact(models.Model):
    """One fact: ``organization`` holds a record (``value`` = its person id), or a school or program spell."""

    hub_person_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=PopulationFactKind.choices)
    organization = models.ForeignKey("ecosystem.Organization", on_delete=models.CASCADE, related_name="+")
    value = models.CharField(
        max_length=200, blank=True, help_text="Record: source person id; program: its name."
    )
    begins = models.DateField(null=True, blank=True)
    ends = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["hub_person_id", "kind", "organization_id"]
        indexes = [models.Index(fields=["organization", "value"], name="population_record")]

    def __str__(self) -> str:
        return f"{self.hub_person_id}: {self.kind} at {self.organization_id} {self.value}".strip()
