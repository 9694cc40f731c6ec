"""Forms of the question catalog: propose, review, publish, retire, and the catalog's filters."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from commonground.ecosystem.models import Organization
from commonground.questions.choices import Audience, Cadence, QuestionStatus
from commonground.questions.indicators import INDICATORS
from commonground.questions.suppression import DEFAULT_MIN_CELL
from commonground.questions.suppression.errors import MIN_CELL_RANGE


def indicator_choices() -> list[tuple[str, str]]:
    """Indicators that can run, by title."""
    return [(i.id, f"{i.title} ({i.id})") for i in INDICATORS.values() if i.available]


def parse_breakdowns(text: str) -> list[list[str]]:
    """``school; grade; school, grade`` → ``[['school'], ['grade'], ['school', 'grade']]``; empty → total only."""
    sets = [[d.strip() for d in part.split(",") if d.strip()] for part in text.split(";")]
    return [s for s in sets if s] or [[]]


class ProposeForm(forms.Form):
    """A partner's proposed question: wording, the action it informs, indicators and breakdowns."""

    owner = forms.ModelChoiceField(queryset=Organization.objects.none(), label="Owner organization")
    slug = forms.SlugField(
        max_length=80,
        label="Short name",
        help_text="Letters, digits and hyphens, e.g. chronic-absence-by-school.",
    )
    wording = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="The question, in plain words")
    action = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="The action it informs")
    action_taker = forms.CharField(max_length=200, label="Who takes that action")
    audience = forms.ChoiceField(choices=Audience.choices, initial=Audience.LEADERS, label="Audience")
    cadence = forms.ChoiceField(
        choices=Cadence.choices, initial=Cadence.ANNUAL, label="How often it is answered"
    )
    indicators = forms.MultipleChoiceField(
        choices=indicator_choices, label="Indicators", widget=forms.CheckboxSelectMultiple
    )
    breakdowns = forms.CharField(
        required=False,
        label="Breakdowns",
        help_text='Sets separated by semicolons, dimensions by commas, e.g. "school; grade". '
        "Dimensions: school, grade, year, sex, race_ethnicity, neighborhood, program. Empty: the total only.",
    )
    params = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Parameters (optional)",
        help_text='JSON by indicator, e.g. {"chronic_absence": {"threshold": 0.1}}.',
    )  # fmt: skip

    def __init__(self, *args: Any, organizations: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type for mypy
        field.queryset = Organization.objects.filter(pk__in=organizations).order_by("name")
        for name, each in self.fields.items():
            if each.help_text:  # the template shows help text with this id; screen readers announce it
                each.widget.attrs["aria-describedby"] = f"id_{name}-help"

    def clean_params(self) -> dict[str, Any]:
        """The parameters as a JSON object (empty when blank)."""
        text = (self.cleaned_data.get("params") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
            ) from None
        if not isinstance(value, dict):
            raise forms.ValidationError("Give an object: indicator id → its parameters.")
        return value

    def clean_breakdowns(self) -> list[list[str]]:
        """The breakdown sets (checked against the library by the action)."""
        return parse_breakdowns(self.cleaned_data.get("breakdowns") or "")


class EditForm(ProposeForm):
    """The same fields without the owner and short name, which never change."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, organizations=[], **kwargs)
        del self.fields["owner"], self.fields["slug"]


def edit_initial(question: Any) -> dict[str, Any]:
    """A question's values as the edit form shows them."""
    return {
        "wording": question.wording, "action": question.action, "action_taker": question.action_taker,
        "audience": question.audience, "cadence": question.cadence, "indicators": question.indicators,
        "breakdowns": "; ".join(", ".join(b) for b in question.breakdowns),
        "params": json.dumps(question.params) if question.params else "",
    }  # fmt: skip


class ReviewForm(forms.Form):
    """The steward's note on approval, or the reason for declining."""

    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Note or reason")


class PublishForm(forms.Form):
    """The minimum cell size of a new release."""

    min_cell = forms.IntegerField(
        min_value=MIN_CELL_RANGE[0],
        max_value=MIN_CELL_RANGE[1],
        initial=DEFAULT_MIN_CELL,
        label="Minimum cell size",
        help_text=f"Cells about fewer students than this are hidden ({MIN_CELL_RANGE[0]}–{MIN_CELL_RANGE[1]}).",
    )


class RetireForm(forms.Form):
    """Why the question is no longer answered."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Reason")


class FilterForm(forms.Form):
    """The catalog's filters."""

    status = forms.ChoiceField(
        choices=[("", "Any status"), *QuestionStatus.choices], required=False, label="Status"
    )
    audience = forms.ChoiceField(
        choices=[("", "Any audience"), *Audience.choices], required=False, label="Audience"
    )
