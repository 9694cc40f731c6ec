"""Forms of data requests."""

from __future__ import annotations

from typing import Any

from django import forms

from commonground.actionlists.choices import RequestKind
from commonground.ecosystem.models import Organization
from commonground.governance import elements as catalog
from commonground.governance.models import Agreement


class DataRequestForm(forms.Form):
    """What a partner asks for, from whom, under which agreement, and why."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label="On behalf of")
    disclosing = forms.ModelChoiceField(
        queryset=Organization.objects.exclude(kind="school").order_by("name"),
        label="Organization holding the data",
    )
    agreement = forms.ModelChoiceField(
        queryset=Agreement.objects.exclude(status__in=["terminated", "destroyed"]).order_by("reference"),
        required=False,
        label="Agreement to amend (optional)",
    )
    kind = forms.ChoiceField(choices=RequestKind.choices, label="What you ask for")
    elements = forms.MultipleChoiceField(
        choices=catalog.grouped_choices(),
        required=False,
        label="Data elements",
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    population = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Population")
    question = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Question")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Why you need it",
        help_text="The action it will inform.",
    )

    def __init__(self, *args: Any, organizations: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = Organization.objects.filter(pk__in=organizations).order_by("name")


class DecisionForm(forms.Form):
    """A reviewer's note, or the reason for declining."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note or reason")
