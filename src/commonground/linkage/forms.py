"""The review decision form."""

from __future__ import annotations

from django import forms

from commonground.linkage.choices import ReviewStatus


class DecisionForm(forms.Form):
    """Accept, reject or unsure, with the reason kept alongside the decision."""

    decision = forms.ChoiceField(
        choices=[
            (ReviewStatus.ACCEPTED, "accept"),
            (ReviewStatus.REJECTED, "reject"),
            (ReviewStatus.UNSURE, "unsure"),
        ]
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}),
        help_text="What settled it, e.g. 'same phone and school; nickname'. Kept with the decision.",
    )
