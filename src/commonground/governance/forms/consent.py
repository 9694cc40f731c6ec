"""Forms about consent and directory information."""

from __future__ import annotations

from typing import Any

from django import forms

from commonground.ecosystem.choices import OrganizationKind
from commonground.governance.elements import DIRECTORY_ELIGIBLE
from commonground.governance.forms.agreements import DateInput, element_field, organizations
from commonground.governance.models import Consent, DirectoryDesignation, DirectoryOptOut


class ConsentForm(forms.ModelForm):
    """Record one signed consent (34 CFR 99.30)."""

    elements = element_field(label="Records that may be disclosed", help_text="34 CFR 99.30(b)(1).")
    recipients = forms.ModelMultipleChoiceField(
        queryset=organizations(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The parties named on the form (34 CFR 99.30(b)(3)); or choose a class of recipients below.",
    )

    class Meta:
        model = Consent
        fields = [
            "source_organization", "source_person_id", "student_name", "collected_by", "signer_name",
            "relationship", "elements", "purpose", "purpose_category", "recipients", "recipient_class",
            "signed_on", "signature_method", "form_reference", "verification_method", "verified_identity",
            "verified_at", "expires_on",
        ]  # fmt: skip
        widgets = {
            "signed_on": DateInput(),
            "expires_on": DateInput(),
            "verified_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("recipients") and not data.get("recipient_class"):
            self.add_error("recipients", "Name the recipients or a class of recipients (34 CFR 99.30(b)(3)).")
        return data


class RevokeConsentForm(forms.Form):
    """Who asked to revoke the consent, and why (revocation is effective immediately)."""

    requested_by = forms.CharField(
        max_length=200, help_text="e.g. the parent, by phone to the site coordinator."
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConsentImportForm(forms.Form):
    """A CSV of consents collected on paper by one organization."""

    organization = forms.ModelChoiceField(
        queryset=organizations(), help_text="The organization that collected the signed forms."
    )
    file = forms.FileField(help_text="CSV, UTF-8 or Windows-1252; see the guide for its columns.")


class DesignationForm(forms.ModelForm):
    """A district's directory-information designation (34 CFR 99.37(a))."""

    district = forms.ModelChoiceField(queryset=organizations(OrganizationKind.DISTRICT))
    elements = element_field(only=DIRECTORY_ELIGIBLE, label="Directory elements")

    class Meta:
        model = DirectoryDesignation
        fields = [
            "district", "elements", "notice_published_on", "notice_reference", "opt_out_deadline",
            "effective_from", "effective_until",
        ]  # fmt: skip
        widgets = {
            "notice_published_on": DateInput(),
            "opt_out_deadline": DateInput(),
            "effective_from": DateInput(),
            "effective_until": DateInput(),
        }


class OptOutForm(forms.ModelForm):
    """A family's refusal of directory disclosures (34 CFR 99.37(a)(2))."""

    district = forms.ModelChoiceField(queryset=organizations(OrganizationKind.DISTRICT))
    elements = element_field(
        only=DIRECTORY_ELIGIBLE,
        required=False,
        label="Elements withheld",
        help_text="None checked: all of them.",
    )

    class Meta:
        model = DirectoryOptOut
        fields = [
            "district", "source_organization", "source_person_id", "student_name", "requested_by",
            "relationship", "received_on", "elements",
        ]  # fmt: skip
        widgets = {"received_on": DateInput()}


class WithdrawOptOutForm(forms.Form):
    """The day a family withdrew its opt-out."""

    withdrawn_on = forms.DateField(widget=DateInput())
