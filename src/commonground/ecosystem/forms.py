"""Forms for the ecosystem registry.  They validate; the views hand the cleaned data to the actions."""

from __future__ import annotations

from django import forms

from commonground.ecosystem.models import DataFlow, InformationSystem, Organization


class OrganizationForm(forms.ModelForm):
    """Register or change an organization."""

    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organization
        fields = [
            "name",
            "slug",
            "kind",
            "parent",
            "description",
            "neighborhood",
            "address",
            "latitude",
            "longitude",
            "website",
            "contact_name",
            "contact_email",
            "external_id",
        ]


class InformationSystemForm(forms.ModelForm):
    """Register or change a system an organization runs."""

    class Meta:
        model = InformationSystem
        fields = [
            "organization",
            "name",
            "vendor",
            "kind",
            "data_held",
            "export_formats",
            "reporting_mandates",
            "legal_constraints",
            "technical_constraints",
            "contact_name",
            "contact_email",
        ]


class DataFlowForm(forms.ModelForm):
    """Record or change a flow of data between two systems."""

    class Meta:
        model = DataFlow
        fields = [
            "source",
            "target",
            "what",
            "frequency",
            "method",
            "agreement",
            "agreement_reference",
            "notes",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        systems = InformationSystem.objects.select_related("organization")
        for name in ("source", "target"):
            self.fields[name].queryset = systems  # type: ignore[attr-defined]
