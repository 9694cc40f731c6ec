"""The pathfinder's questions: one page, one fieldset per question, radio buttons a keyboard can reach."""

from __future__ import annotations

from typing import Any

from django import forms

from commonground.ecosystem.choices import OrganizationKind
from commonground.governance.forms.agreements import element_field, organizations
from commonground.governance.pathfinder import ACTIVITY_LABELS, Activity

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, help_text: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class PathfinderForm(forms.Form):
    """Who wants which data to do what — the answers the pathfinder needs."""

    requester = forms.ModelChoiceField(queryset=organizations(), label="Who wants the data?")
    disclosing = forms.ModelChoiceField(
        queryset=organizations(OrganizationKind.DISTRICT),
        label="Whose records are they?",
        help_text="The district.",
    )
    activity = forms.ChoiceField(
        label="What will the data be used for?",
        choices=[(a.value, ACTIVITY_LABELS[a]) for a in Activity],
        widget=forms.RadioSelect,
    )
    purpose = forms.CharField(
        label="The purpose, in your own words",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. Case managers follow up with participants who miss school.",
    )
    identifiable = _yes_no(
        "Do you need records about individual, identifiable students?",
        "Answer no if counts, rates or records with every identifier removed would do.",
    )
    consent = _yes_no(
        "Will you collect written consent from each parent (or student aged 18 or more)?",
        "Signed and dated, naming the records, the purpose and your organization (34 CFR 99.30).",
    )
    district_function = _yes_no(
        "Is this a service the district would otherwise provide with its own staff?",
        "For example tutoring the district has contracted out (34 CFR 99.31(a)(1)(i)(B)(1)).",
    )
    district_control = _yes_no(
        "Will the district keep direct control over how the records are used and kept?",
        "For example the data stays in the hub, and the district decides who sees it (99.31(a)(1)(i)(B)(2)).",
    )
    study_aim = _yes_no(
        "Is it a study for the district to develop predictive tests, run student aid, or improve instruction?",
        "Only those aims fit the studies exception (34 CFR 99.31(a)(6)(i)).",
    )
    supported_program = _yes_no(
        "Is it an audit or evaluation of a Federal- or State-supported education program?",
        "For example a state-funded after-school grant (34 CFR 99.35(a)(1)).",
    )
    elements = element_field(label="Which data elements do you need?")

    questions = ("activity", "purpose", "identifiable", "consent", "district_function", "district_control",
                 "study_aim", "supported_program")  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        districts = list(self.fields["disclosing"].queryset[:2])  # type: ignore[attr-defined]
        if len(districts) == 1:  # most hubs serve one district: answer for the user
            self.initial.setdefault("disclosing", districts[0].pk)

    def answer_fields(self) -> list[Any]:
        """The bound question fields, in order (each one a fieldset in the template)."""
        return [self[name] for name in self.questions]
